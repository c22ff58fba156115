"""Content-addressed storage of originals, and a separate place for derived files.

Originals are named by their SHA-256 and never overwritten: writing the same bytes twice
stores them once. Derived files (thumbnails, later OCR text and PDFs) live under their own
root, can be deleted and rebuilt, and never replace an original.
"""

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DERIVED_NAME = re.compile(r"^[0-9a-z_-]+/[0-9a-f]{64}(\.[0-9a-z]+)?$")


class StorageError(OSError):
    """A transient or environmental storage failure (disk full, permission, I/O)."""


def sha256_of_stream(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class LocalStorage:
    """Originals under <root>/originals/ab/cd/<sha256>; derived files under <root>/derived/."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.derived = self.root / "derived"
        self.tmp = self.root / "tmp"
        for folder in (self.originals, self.derived, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    # --- originals --------------------------------------------------------------------
    def _original_path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.originals / sha256[:2] / sha256[2:4] / sha256

    def new_temp_file(self):
        """A temporary file on the same file system as the originals, removed when closed."""
        return tempfile.NamedTemporaryFile(dir=self.tmp, prefix="upload-", delete=True)

    def promote(self, temp_path: str, sha256: str) -> bool:
        """Make a fully written, fsynced temp file the original for sha256.

        Returns True if this call stored it, False if the same bytes were already stored.
        The hard link is atomic and never replaces an existing file.
        """
        final = self._original_path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(temp_path, final)
        except FileExistsError:
            return False
        os.chmod(final, 0o440)
        _fsync_dir(final.parent)
        return True

    def exists(self, sha256: str) -> bool:
        return self._original_path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self._original_path(sha256), "rb")

    def size(self, sha256: str) -> int:
        return self._original_path(sha256).stat().st_size

    def path(self, sha256: str) -> Path:
        """A local path for tools that need one (libmagic, Pillow)."""
        return self._original_path(sha256)

    def remove_unreferenced(self, sha256: str) -> None:
        """Remove an original this process just stored whose database row was rolled back."""
        self._original_path(sha256).unlink(missing_ok=True)

    def iter_originals(self) -> Iterator[str]:
        for path in self.originals.glob("*/*/*"):
            if _SHA256.match(path.name):
                yield path.name

    # --- derived files ----------------------------------------------------------------
    def _derived_path(self, name: str) -> Path:
        if not _DERIVED_NAME.match(name):
            raise ValueError("derived names are <kind>/<sha256>[.ext]")
        return self.derived / name

    def put_derived(self, name: str, data: bytes) -> None:
        path = self._derived_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, path)

    def put_derived_file(self, name: str, path: Path) -> None:
        """Move a finished, fsynced file into place (same file system: an atomic rename)."""
        target = self._derived_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "rb") as file:
            os.fsync(file.fileno())
        os.replace(path, target)
        _fsync_dir(target.parent)

    def open_derived(self, name: str) -> BinaryIO:
        return open(self._derived_path(name), "rb")

    def derived_exists(self, name: str) -> bool:
        return self._derived_path(name).is_file()

    def delete_derived(self, name: str) -> None:
        self._derived_path(name).unlink(missing_ok=True)

    # --- health -----------------------------------------------------------------------
    def check_writable(self) -> None:
        with self.new_temp_file() as probe:
            probe.write(b"ok")
            probe.flush()

    def free_bytes(self) -> int:
        """Room left on the file system that holds the originals (for the unprivileged user)."""
        return shutil.disk_usage(self.root).free


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_storage: LocalStorage | None = None


def get_storage() -> LocalStorage:
    global _storage
    if _storage is None or _storage.root != Path(settings.MEDIA_ROOT):
        _storage = LocalStorage(Path(settings.MEDIA_ROOT))
    return _storage
