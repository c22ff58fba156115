"""Durable file writes shared by the apps that keep files: the evidence store and the signing identity."""

import os
import shutil
import tempfile
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a new name in it (a link, a rename) survives a crash."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_copy(source: Path | str, folder: Path, prefix: str = ".incoming-") -> Path:
    """A copy of `source` under a temporary name in `folder`, written and fsynced: what a link or a
    rename is made from when the source is on another file system. The caller renames or links it
    into place (and removes the temporary name)."""
    with open(source, "rb") as original, tempfile.NamedTemporaryFile(dir=folder, prefix=prefix, delete=False) as copy:
        shutil.copyfileobj(original, copy, 1 << 20)
        copy.flush()
        os.fsync(copy.fileno())
    return Path(copy.name)
