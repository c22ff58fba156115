"""Both stores keep the same promises: originals under their hash, once, never overwritten; derived
files apart; local copies for tools. Each test runs on the local folder and on S3 (Swift)."""

import hashlib
import os
from pathlib import Path

import pytest

from evidence.storage.backends import S3Storage, StorageError, local_original


def spooled(store, data: bytes):
    """An upload as intake leaves it: in the store's spool file, written and flushed."""
    temp = store.new_temp_file()
    temp.write(data)
    temp.flush()
    os.fsync(temp.fileno())
    return temp


def read(stream) -> bytes:
    with stream:
        return b"".join(iter(lambda: stream.read(1 << 16), b""))


def test_an_original_is_stored_under_its_hash_once(store):
    data = b"\x89PNG screenshot bytes" * 1000
    sha256 = hashlib.sha256(data).hexdigest()
    with spooled(store, data) as temp:
        assert store.promote(temp.name, sha256) is True
    with spooled(store, data) as again:
        assert store.promote(again.name, sha256) is False  # the same bytes: nothing written twice
    assert store.exists(sha256) and store.size(sha256) == len(data)
    assert read(store.open(sha256)) == data
    assert list(store.iter_originals()) == [sha256]


def test_a_large_original_goes_up_whole_in_parts_and_streams_back(store, tmp_path):
    data = os.urandom(12 << 20)  # more than two 5 MiB parts on S3
    sha256 = hashlib.sha256(data).hexdigest()
    with spooled(store, data) as temp:
        assert store.promote(temp.name, sha256)
    assert store.size(sha256) == len(data)
    digest = hashlib.sha256()
    with store.open(sha256) as stream:
        while chunk := stream.read(1 << 20):
            assert len(chunk) <= 1 << 20  # read as it comes, never whole
            digest.update(chunk)
    assert digest.hexdigest() == sha256
    with local_original(store, sha256) as path:
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha256
    assert not any(store.scratch.glob("copy-*"))  # the copy is gone with the `with`


def test_an_original_is_never_overwritten(store):
    first = b"the original"
    sha256 = hashlib.sha256(first).hexdigest()
    with spooled(store, first) as temp:
        store.promote(temp.name, sha256)
    with spooled(store, b"other bytes claiming the same hash") as forged:
        try:
            store.promote(forged.name, sha256)
        except StorageError:
            pass
    assert read(store.open(sha256)) == first


def test_derived_files_live_apart_and_can_be_replaced_and_deleted(store, tmp_path):
    name = f"thumbnails/{'a' * 64}.webp"
    assert not store.derived_exists(name)
    store.put_derived(name, b"small")
    store.put_derived(name, b"smaller")
    assert read(store.open_derived(name)) == b"smaller"
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 " + os.urandom(7 << 20))
    expected = report.read_bytes()
    store.put_derived_file(f"reports/{'b' * 64}.pdf", report)
    assert not report.exists()  # moved, as a rename would
    assert read(store.open_derived(f"reports/{'b' * 64}.pdf")) == expected
    store.delete_derived(name)
    assert not store.derived_exists(name)
    assert list(store.iter_originals()) == []  # derived files are never counted as originals


def test_names_that_are_not_hashes_are_refused(store):
    for bad in ("../etc/passwd", "A" * 64, "a" * 63):
        with pytest.raises(ValueError):
            store.exists(bad)
    with pytest.raises(ValueError):
        store.put_derived("../../originals/x", b"")


def test_a_missing_original_is_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
    assert not store.exists("0" * 64)


def test_it_reports_whether_it_can_be_written(store):
    store.check_writable()
    free = store.free_bytes()
    assert free is None if isinstance(store, S3Storage) else free > 0


def test_on_s3_a_spool_file_changed_after_hashing_is_refused_and_nothing_is_visible(s3):
    data = os.urandom(11 << 20)
    sha256 = hashlib.sha256(b"what arrived").hexdigest()
    for size in (100, len(data)):  # one PUT, and a multipart upload
        with spooled(s3, data[:size]) as temp, pytest.raises(StorageError):
            s3.promote(temp.name, sha256)
        assert not s3.exists(sha256)
    uploads = s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", [])
    assert uploads == []  # the failed multipart upload was aborted, its parts dropped


def test_on_s3_an_unreferenced_original_is_kept(s3):
    data = b"stored, then its row rolled back"
    sha256 = hashlib.sha256(data).hexdigest()
    with spooled(s3, data) as temp:
        s3.promote(temp.name, sha256)
    s3.remove_unreferenced(sha256)
    assert s3.exists(sha256)  # the app deletes nothing from the object store


def test_an_unreachable_store_is_a_storage_error(settings, s3):
    settings.S3_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens there
    from evidence.storage.backends import get_storage

    with pytest.raises(StorageError):
        get_storage().exists("0" * 64)


def test_the_local_folder_takes_uploads_and_files_from_scratch_on_another_file_system(settings, media_root):
    """SCRATCH_ROOT may be a fast local disk (tmpfs here) while MEDIA_ROOT is elsewhere: a link
    cannot cross file systems, so the bytes are copied in, durably, and the temporary copies go."""
    from evidence.storage.backends import get_storage

    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == Path(media_root).parent.stat().st_dev:
        pytest.skip("needs /dev/shm on a file system of its own")
    settings.SCRATCH_ROOT = str(shm / f"evidence-scratch-{os.getpid()}")
    store = get_storage()
    data = os.urandom(3 << 20)
    sha256 = hashlib.sha256(data).hexdigest()
    with spooled(store, data) as temp:
        assert store.promote(temp.name, sha256) is True
    assert read(store.open(sha256)) == data and store.original_path(sha256).stat().st_mode & 0o222 == 0
    report = Path(settings.SCRATCH_ROOT) / "report.pdf"
    report.write_bytes(b"%PDF-1.7 report")
    store.put_derived_file(f"reports/{'c' * 64}.pdf", report)
    assert not report.exists() and read(store.open_derived(f"reports/{'c' * 64}.pdf")) == b"%PDF-1.7 report"
    leftovers = [p.name for folder in (store.originals, store.derived) for p in folder.rglob("*") if p.is_file()]
    assert sorted(leftovers) == sorted([sha256, f"{'c' * 64}.pdf"])  # no temporary copy left behind
    Path(settings.SCRATCH_ROOT).rmdir()
