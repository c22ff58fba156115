"""Taking in an original: the one place an evidence item is created."""

import unicodedata
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from evidence.cases.models import Case
from evidence.common.errors import EvidenceError
from evidence.custody.services import custody_record
from evidence.intake import tasks
from evidence.intake.models import EvidenceItem, TimeSource
from evidence.intake.sniffing import sniff
from evidence.storage.backends import get_storage
from evidence.storage.uploads import HashedUpload


class HashMismatch(EvidenceError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "hash_mismatch"
    message = _(
        "The file changed on the way: the server received SHA-256 %(received)s but the phone "
        "computed %(expected)s. Send it again."
    )


def clean_original_name(name: str) -> str:
    """The client's file name as data: NFC, no path, no control characters, ≤ 255 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) <= 16 else name[:255]
    return name


def evidence_ingest(
    *,
    case: Case,
    upload: HashedUpload,
    uploaded_by,
    kind: str | None = None,
    occurred_at: datetime | None = None,
    occurred_at_source: str | None = None,
    note: str = "",
    client_sha256: str = "",
    provided_by: str = "",
    request=None,
) -> tuple[EvidenceItem, bool]:
    """Store an upload's bytes untouched and record them; (item, created).

    The same bytes already in the case give back the existing item. The row and the stored
    file appear together: if anything fails, neither is left behind.
    """
    received_at = timezone.now()
    sha256 = upload.sha256
    if client_sha256 and client_sha256.lower() != sha256:
        raise HashMismatch(received=sha256, expected=client_sha256.lower())

    existing = EvidenceItem.objects.filter(case=case, sha256=sha256).first()
    if existing:
        return existing, False

    sniffed = sniff(upload.temporary_file_path(), upload.size, kind)
    if occurred_at is None:
        source = TimeSource.UNKNOWN
    else:
        source = occurred_at_source or TimeSource.CLIENT

    storage = get_storage()
    stored_here = False
    try:
        with transaction.atomic():
            item = EvidenceItem.objects.create(
                case=case,
                kind=sniffed.kind,
                sha256=sha256,
                size=upload.size,
                mime=sniffed.mime,
                original_name=clean_original_name(upload.name),
                received_at=received_at,
                occurred_at=occurred_at,
                occurred_at_source=source,
                note=note,
                uploaded_by=uploaded_by,
                provided_by=provided_by,
            )
            # Inside the transaction: if linking fails, the row rolls back too.
            stored_here = storage.promote(upload.temporary_file_path(), sha256)
            # Last, because appending holds the custody chain's lock until commit.
            custody_record(
                action="evidence.received",
                actor=uploaded_by,
                request=request,
                case_id=case.id,
                item_id=item.id,
                sha256=sha256,
                details={"size": upload.size, "mime": sniffed.mime, "name": item.original_name,
                         **({"provided_by": provided_by} if provided_by else {})},
            )
            transaction.on_commit(lambda: processing_enqueue(item.id))
    except IntegrityError:
        # Another request stored the same bytes in this case a moment ago.
        _forget_unreferenced(storage, sha256, stored_here)
        existing = EvidenceItem.objects.filter(case=case, sha256=sha256).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _forget_unreferenced(storage, sha256, stored_here)
        raise
    return item, True


def _forget_unreferenced(storage, sha256: str, stored_here: bool) -> None:
    if stored_here and not EvidenceItem.objects.filter(sha256=sha256).exists():
        storage.remove_unreferenced(sha256)


def processing_enqueue(item_id) -> None:
    """Queue the post-arrival jobs (verify, metadata, thumbnail) for a stored item."""
    for task in (tasks.verify_original, tasks.extract_metadata, tasks.make_thumbnail):
        task.delay(str(item_id))
