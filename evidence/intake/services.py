"""Taking in an original: the one place an evidence item is created."""

import unicodedata
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.common.errors import EvidenceError
from evidence.common.jobs import job_send
from evidence.custody.services import custody_record
from evidence.intake import tasks
from evidence.intake.models import EvidenceItem, Kind, TimeSource
from evidence.intake.recording_names import recording_name_read
from evidence.intake.sniffing import sniff
from evidence.intake.uploads import HashedUpload
from evidence.storage.backends import get_storage


class HashMismatch(EvidenceError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
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
    purpose: str = "",
    summary: str = "",
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
    original_name = clean_original_name(upload.name)
    metadata = {}
    named = recording_name_read(original_name, ZoneInfo(case.timezone)) if sniffed.kind == Kind.RECORDING else None
    if named is not None:
        # What the dialer wrote is kept as read, apart from the bytes; its time beats a file
        # date the phone reported, never a time the borrower typed (EXIF would beat it too).
        metadata["filename"] = named.as_metadata()
        if source != TimeSource.USER:
            occurred_at, source = named.started_at, TimeSource.FILENAME

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
                original_name=original_name,
                received_at=received_at,
                occurred_at=occurred_at,
                occurred_at_source=source,
                note=note,
                purpose=purpose,
                summary=summary,
                uploaded_by=uploaded_by,
                provided_by=provided_by,
                metadata=metadata,
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
                         **({"provided_by": provided_by} if provided_by else {}),
                         **{key: value for key, value in (("purpose", purpose), ("summary", summary)) if value}},
            )
            transaction.on_commit(lambda: processing_enqueue(item.id))
            if named is not None and named.number:
                # Robust: the recording is kept whatever a listener does; linking can run again.
                transaction.on_commit(lambda: _recording_arrived(case=case, actor=uploaded_by), robust=True)
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


def evidence_describe(*, item: EvidenceItem, actor, purpose: str | None = None, summary: str | None = None,
                      request=None) -> EvidenceItem:
    """Set what the borrower says an item proves (证明目的) and holds (内容摘要); the bytes stay as they are."""
    changes = {name: value.strip() for name, value in (("purpose", purpose), ("summary", summary))
               if value is not None and value.strip() != getattr(item, name)}
    if not changes:
        return item
    with transaction.atomic():
        EvidenceItem.objects.filter(id=item.id).update(**changes)
        # The exhibit list quotes these words in court: who wrote them, and when, is part of the record.
        custody_record(action="evidence.described", actor=actor, request=request, case_id=item.case_id,
                       item_id=item.id, sha256=item.sha256, details=changes)
    item.refresh_from_db()
    return item


def _forget_unreferenced(storage, sha256: str, stored_here: bool) -> None:
    if stored_here and not EvidenceItem.objects.filter(sha256=sha256).exists():
        storage.remove_unreferenced(sha256)


# Apps above intake (events: linking a recording to its call) act on a new recording without
# intake importing them: they register here from their AppConfig.ready(), as report sections do.
_recording_listeners: list[Callable[..., object]] = []


def recording_listener_register(listener: Callable[..., object]) -> None:
    """Call listener(case=..., actor=...) after a recording named by a dialer is stored."""
    if listener not in _recording_listeners:
        _recording_listeners.append(listener)


def _recording_arrived(*, case: Case, actor) -> None:
    for listener in _recording_listeners:
        listener(case=case, actor=actor)


# Jobs of apps above intake that run on every stored item (text recognition), registered from
# their AppConfig.ready(); each exits quietly for an item it has nothing to do with.
_processing_jobs: list = []


def processing_job_register(task) -> None:
    """Queue task(item_id) after every stored item, beside verify, metadata and thumbnail."""
    if task not in _processing_jobs:
        _processing_jobs.append(task)


def processing_enqueue(item_id) -> None:
    """Queue the post-arrival jobs (verify, metadata, thumbnail, registered ones) for a stored item."""
    for task in (tasks.verify_original, tasks.extract_metadata, tasks.make_thumbnail, *_processing_jobs):
        job_send(task, str(item_id))
