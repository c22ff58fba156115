"""What every store of evidence offers: the seam between the app and where the bytes live.

Two stores implement it: the local content-addressed folder (local.py, the embedded default) and
an S3-compatible object store (s3.py). Callers never reach into a store's files: they put an
arriving upload under its SHA-256 (`promote`), read an original as a stream (`open`), ask for a
local copy when a tool needs a path (`local_copy`), keep derived files under their own names, and
do their scratch work in `scratch`, a folder on local disk.

Originals are content-addressed and written once: `promote` stores the bytes under their hash
only if nothing is there, never overwrites, and the app never deletes an original from an object
store (on the local folder, only the one file a failed request stored a moment before).
"""

import hashlib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 20
SHA256 = re.compile(r"^[0-9a-f]{64}$")
DERIVED_NAME = re.compile(r"^[0-9a-z_-]+/[0-9a-f]{64}(\.[0-9a-z]+)?$")


class StorageError(OSError):
    """A transient or environmental storage failure (disk full, permission, I/O, the store unreachable)."""


def sha256_of_stream(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def check_sha256(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def check_derived(name: str) -> str:
    if not DERIVED_NAME.match(name):
        raise ValueError("derived names are <kind>/<sha256>[.ext]")
    return name


class EvidenceStorage(Protocol):
    """The operations the app uses; see local.py and s3.py."""

    scratch: Path  # local folder for uploads in flight, jobs' work folders and tools' temporary files

    # originals
    def new_temp_file(self): ...  # an arriving upload's spool file in `scratch`, removed when closed
    def promote(self, temp_path: str, sha256: str) -> bool: ...  # True if this call stored it
    def exists(self, sha256: str) -> bool: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def size(self, sha256: str) -> int: ...
    def local_copy(self, sha256: str, folder: Path) -> Path: ...
    def remove_unreferenced(self, sha256: str) -> None: ...
    def iter_originals(self) -> Iterator[str]: ...

    # derived files (thumbnails, text readings, reports, packets): rebuildable, never originals
    def put_derived(self, name: str, data: bytes) -> None: ...
    def put_derived_file(self, name: str, path: Path) -> None: ...
    def open_derived(self, name: str) -> BinaryIO: ...
    def derived_exists(self, name: str) -> bool: ...
    def delete_derived(self, name: str) -> None: ...

    # health
    def check_writable(self) -> None: ...
    def free_bytes(self) -> int | None: ...  # None: the store has no such limit to watch


@contextmanager
def local_original(storage: EvidenceStorage, sha256: str) -> Iterator[Path]:
    """A path to the original for a tool that needs one, for the length of a `with`: the stored
    file itself on the local folder, a copy in a scratch folder (removed after) on an object store."""
    storage.scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=storage.scratch, prefix="copy-") as folder:
        yield storage.local_copy(sha256, Path(folder))


def scratch_temp_file(scratch: Path, prefix: str = "upload-"):
    """A temporary file in `scratch`, removed when closed."""
    scratch.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=scratch, prefix=prefix, delete=True)
