"""The store this deployment keeps evidence in: get_storage() (see base.py for what it offers)."""

from pathlib import Path

from django.conf import settings

from .base import CHUNK, EvidenceStorage, StorageError, local_original, sha256_of_stream
from .local import LocalStorage
from .s3 import S3Storage

__all__ = ["CHUNK", "EvidenceStorage", "LocalStorage", "S3Storage", "StorageError", "get_storage",
           "local_original", "sha256_of_stream"]

_storage: EvidenceStorage | None = None
_made_for: tuple | None = None


def _settings_key() -> tuple:
    return (str(settings.MEDIA_ROOT), str(settings.SCRATCH_ROOT), settings.S3_BUCKET, settings.S3_ENDPOINT_URL,
            settings.S3_ACCESS_KEY_ID, settings.S3_SECRET_ACCESS_KEY, settings.S3_REGION, settings.S3_ADDRESSING_STYLE,
            settings.S3_PART_MB)


def get_storage() -> EvidenceStorage:
    """The S3 store when S3_BUCKET is set, else the local folder MEDIA_ROOT (made once per process,
    again when the settings change, as the tests change them)."""
    global _storage, _made_for
    key = _settings_key()
    if _storage is None or _made_for != key:
        scratch = Path(settings.SCRATCH_ROOT) if settings.SCRATCH_ROOT else Path(settings.MEDIA_ROOT) / "tmp"
        if settings.S3_BUCKET:
            _storage = S3Storage(bucket=settings.S3_BUCKET, endpoint_url=settings.S3_ENDPOINT_URL,
                                 access_key=settings.S3_ACCESS_KEY_ID, secret_key=settings.S3_SECRET_ACCESS_KEY,
                                 region=settings.S3_REGION, addressing_style=settings.S3_ADDRESSING_STYLE,
                                 scratch=scratch, part_bytes=settings.S3_PART_MB << 20)
        else:
            _storage = LocalStorage(Path(settings.MEDIA_ROOT), scratch=scratch)
        _made_for = key
    return _storage
