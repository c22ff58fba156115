"""The embedded default: originals in a content-addressed folder, derived files beside them.

Originals live under <root>/originals/ab/cd/<sha256>, read-only, and are never overwritten:
writing the same bytes twice stores them once (a hard link from the upload's spool file, which is
atomic and never replaces a file). Derived files live under <root>/derived/<kind>/<name>, can be
deleted and rebuilt, and never replace an original. Scratch space is <root>/tmp, on the same file
system, so that an upload is linked into place rather than copied.
"""

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from evidence.common.files import durable_copy, fsync_folder

from .base import SHA256, check_derived, check_sha256, scratch_temp_file


class LocalStorage:
    """Originals under <root>/originals/ab/cd/<sha256>; derived files under <root>/derived/."""

    def __init__(self, root: Path, scratch: Path | None = None):
        self.root = Path(root)
        self.originals = self.root / "originals"
        self.derived = self.root / "derived"
        self.scratch = Path(scratch) if scratch else self.root / "tmp"
        for folder in (self.originals, self.derived, self.scratch):
            folder.mkdir(parents=True, exist_ok=True)

    # --- originals --------------------------------------------------------------------
    def original_path(self, sha256: str) -> Path:
        """Where the original is (or would be) on disk: the local folder's own layout, for its
        tests and for an administrator's tools; the app reads through open() and local_copy()."""
        check_sha256(sha256)
        return self.originals / sha256[:2] / sha256[2:4] / sha256

    def new_temp_file(self):
        """A spool file in scratch (the originals' file system), removed when closed."""
        return scratch_temp_file(self.scratch)

    def promote(self, temp_path: str, sha256: str) -> bool:
        """Make a fully written, fsynced temp file the original for sha256.

        Returns True if this call stored it, False if the same bytes were already stored.
        The hard link is atomic and never replaces an existing file; when scratch is on another
        file system the bytes are copied to a temporary name first and linked from there.
        """
        final = self.original_path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            try:
                os.link(temp_path, final)
            except OSError as error:
                if error.errno != errno.EXDEV:  # scratch is on another file system
                    raise
                copy = durable_copy(temp_path, final.parent)
                try:
                    os.link(copy, final)
                finally:
                    copy.unlink()
        except FileExistsError:
            return False
        os.chmod(final, 0o440)
        fsync_folder(final.parent)
        return True

    def exists(self, sha256: str) -> bool:
        return self.original_path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self.original_path(sha256), "rb")

    def size(self, sha256: str) -> int:
        return self.original_path(sha256).stat().st_size

    def local_copy(self, sha256: str, folder: Path) -> Path:
        """A path for tools that need one (libmagic, Pillow, tesseract): the original itself,
        read-only; `folder` is not needed here."""
        path = self.original_path(sha256)
        if not path.is_file():
            raise FileNotFoundError(sha256)
        return path

    def remove_unreferenced(self, sha256: str) -> None:
        """Remove an original this process just stored whose database row was rolled back."""
        self.original_path(sha256).unlink(missing_ok=True)

    def iter_originals(self) -> Iterator[str]:
        for path in self.originals.glob("*/*/*"):
            if SHA256.match(path.name):
                yield path.name

    # --- derived files ----------------------------------------------------------------
    def _derived_path(self, name: str) -> Path:
        return self.derived / check_derived(name)

    def put_derived(self, name: str, data: bytes) -> None:
        path = self._derived_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, path)

    def put_derived_file(self, name: str, path: Path) -> None:
        """Move a finished file into place: an atomic rename on the same file system, else a
        copy under a temporary name renamed into place."""
        target = self._derived_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "rb") as file:
            os.fsync(file.fileno())
        try:
            os.replace(path, target)
        except OSError as error:
            if error.errno != errno.EXDEV:  # scratch is on another file system
                raise
            os.replace(durable_copy(path, target.parent), target)
            Path(path).unlink()
        fsync_folder(target.parent)

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

