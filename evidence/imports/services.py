"""Reading a phone export into a case: receive it, then parse it in a job, all or nothing.

The job has two phases. Parsing streams the stored export into a staging file on disk
(memory stays flat; progress is saved as it goes; pictures in MMS are hashed and sniffed
like any upload). Then one short transaction inserts the events, the export's evidence item
and the pictures' items. A failure anywhere leaves no event, no item and no stray file.
"""

import logging
import pickle
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from zoneinfo import ZoneInfo

import magic
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.cases.numbers import case_region, number_normalize
from evidence.cases.services import case_revise
from evidence.common.errors import EvidenceError
from evidence.common.jobs import JobKind, JobRun, job_run
from evidence.custody.services import custody_record
from evidence.events.models import Event
from evidence.events.services import epoch_ms, events_insert, fingerprint_of, recordings_link
from evidence.imports import parsers
from evidence.imports.models import Import, Status
from evidence.imports.parsers import columns
from evidence.imports.parsers.base import HEAD_BYTES, ImportContext, ParsedEvent
from evidence.imports.parsers.xmlhead import xml_root
from evidence.imports.problems import ImportFailed, NeedsMapping
from evidence.intake.models import EvidenceItem, Kind, TimeSource
from evidence.intake.services import clean_original_name, processing_enqueue
from evidence.intake.sniffing import CorruptFile, EmptyFile, ImageTooLarge, sniff
from evidence.intake.uploads import HashedUpload
from evidence.storage.backends import get_storage, sha256_of_stream

log = logging.getLogger(__name__)
STAGING_BATCH = 5000


FIELD_LABELS = {
    "number": _("number"), "name": _("contact name"), "time": _("time"), "direction": _("direction"),
    "duration_s": _("duration"), "body": _("text"), "kind": _("kind"),
}


class InvalidMapping(EvidenceError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "invalid_mapping"
    message = _("This column mapping cannot be used: %(problem)s")


class ImportNotWaiting(EvidenceError):
    status_code = HTTPStatus.CONFLICT
    code = "import_not_waiting"
    message = _("This import is not waiting for a column mapping.")


class UnsupportedExport(EvidenceError):
    status_code = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_export"
    message = _("This file is not a phone export we can read (it is %(detected)s). We read: %(formats)s.")


# --- receiving ------------------------------------------------------------------------
def import_receive(*, case: Case, upload: HashedUpload, created_by, request=None) -> Import:
    """Store an export's bytes, recognise its format, and queue the import job."""
    if upload.size == 0:
        raise EmptyFile()
    with open(upload.temporary_file_path(), "rb") as file:
        head = file.read(HEAD_BYTES)
    export_format = parsers.detect_format(head)
    if export_format is None:
        raise UnsupportedExport(detected=_describe(head), formats=parsers.readable_formats())
    storage = get_storage()
    stored_here = storage.promote(upload.temporary_file_path(), upload.sha256)
    try:
        with transaction.atomic():
            job = Import.objects.create(
                case=case, format=export_format.name, original_name=clean_original_name(upload.name),
                sha256=upload.sha256, size=upload.size, received_at=timezone.now(), created_by=created_by,
            )
            custody_record(
                action="import.received", actor=created_by, request=request, case_id=case.id,
                sha256=upload.sha256, details={"import": str(job.id), "format": job.format, "size": job.size},
            )
            transaction.on_commit(lambda: _enqueue(job.id))
    except BaseException:
        if stored_here:
            _forget_export(upload.sha256)
        raise
    return job


def _enqueue(import_id) -> None:
    """Queue the import's run (bench/ replaces this to run the job in its own process)."""
    IMPORT_JOB.send(import_id)


def _describe(head: bytes) -> str:
    """What the file seems to be, for the refusal message."""
    root = xml_root(head)
    if root is not None:
        return f"XML with root <{root.name[:40]}>"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        root = next((line for line in head.split(b"<")[1:] if line[:1].isalpha()), b"")
        name = root.split(maxsplit=1)[0].rstrip(b">/")[:40].decode("utf-8", "replace") if root else "?"
        return f"XML with root <{name}>"
    return magic.from_buffer(head)[:80]


# --- the job --------------------------------------------------------------------------
@dataclass
class _Staged:
    """What the parse phase found, waiting on disk for the insert phase."""

    path: Path
    records: Counter = field(default_factory=Counter)
    attachments: dict = field(default_factory=dict)  # sha256 -> _Attachment
    links: dict = field(default_factory=dict)  # fingerprint -> the SHA-256s of its attachments


@dataclass
class _Attachment:
    path: str
    size: int
    mime: str
    kind: str
    name: str
    position: str
    occurred_at: datetime


def import_run(*, import_id: str, tries_left: int = 0) -> None:
    """Run (or re-run) an import to the end: done with its counts, failed with its errors, or waiting for a mapping."""
    job_run(IMPORT_JOB, import_id, tries_left=tries_left)


def _parse(run: JobRun) -> None:
    """Step 1, the bar's first 90 %: parse the export into staged rows on disk, or wait for a CSV's columns."""
    job = run.job
    run.state.context = ImportContext(
        region=case_region(job.case), zone=ZoneInfo(job.case.timezone), temp_dir=run.work_dir,
        on_progress=lambda bytes_read: run.progress(min(90, bytes_read * 90 // max(job.size, 1))),
        max_attachment_bytes=settings.UPLOAD_MAX_BYTES, mapping=job.mapping or None,
    )
    run.state.started = time.monotonic()
    try:
        run.state.staged = _stage(job, run.state.context, run.work_dir)
    except NeedsMapping as waiting:
        _wait_for_mapping(run, waiting.request)


def _write(run: JobRun) -> None:
    """Step 2, the last 10 %: write everything in one transaction, and the import is done."""
    staged, started, parsed = run.state.staged, run.state.started, time.monotonic()
    _commit(run, staged, run.state.context)
    log.info("import %s: %d records parsed and staged in %.2f s, written in %.2f s", run.job.id,
             sum(staged.records.values()), parsed - started, time.monotonic() - parsed,
             extra={"parse_s": parsed - started, "write_s": time.monotonic() - parsed})


def _stage(job: Import, context: ImportContext, work_dir: Path) -> _Staged:
    """Parse the stored export into batches of rows on disk; check every attachment."""
    export_format = parsers.format_by_name(job.format)
    region = context.region
    staged = _Staged(path=work_dir / "events.pickle")
    batch: list[tuple] = []
    with get_storage().open(job.sha256) as stream, open(staged.path, "wb") as out:
        for event in export_format.parse(stream, context):
            batch.append(_row(event, region, staged, context))
            staged.records[event.kind] += 1
            if len(batch) >= STAGING_BATCH:
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
    return staged


def _row(event: ParsedEvent, region, staged: _Staged, context: ImportContext) -> tuple:
    """The event as an insertable row: a plain tuple in EventRow's order (see events_insert)."""
    # Once per record: no keyword calls, no work for the (usual) record without attachments.
    normalized = number_normalize(event.number, region)
    kind, occurred_at, duration_s, body = event.kind, event.occurred_at, event.duration_s, event.body
    fingerprint = fingerprint_of(kind, event.channel, epoch_ms(occurred_at), normalized, event.direction,
                                 duration_s, body)
    if event.attachments:
        shas = tuple(sha for attachment in event.attachments
                     if (sha := _check_attachment(attachment, event, staged, context)))
        if shas:  # the same message twice in one export: link the pictures of both
            staged.links[fingerprint] = (*staged.links.get(fingerprint, ()), *shas)
    return (kind, event.channel, event.direction, event.status, occurred_at, event.number[:200], normalized,
            event.contact_name[:200], duration_s, body, event.position[:120], event.type_code, fingerprint)


def _check_attachment(attachment, event: ParsedEvent, staged: _Staged, context: ImportContext) -> str | None:
    """Hash and sniff a picture from a message like any upload; refuse the import for a bomb."""
    with open(attachment.path, "rb") as file:
        sha256, size = sha256_of_stream(file)
    if sha256 in staged.attachments:
        return sha256
    try:
        sniffed = sniff(str(attachment.path), size, None)
    except ImageTooLarge:
        raise ImportFailed("attachment_too_large", position=attachment.position,
                           limit=settings.IMAGE_MAX_PIXELS // 1_000_000) from None
    except CorruptFile:
        raise ImportFailed("attachment_corrupt", position=attachment.position) from None
    except EvidenceError:  # empty, or not a type we keep as evidence on its own
        context.warn("attachment_skipped")
        return None
    staged.attachments[sha256] = _Attachment(
        path=str(attachment.path), size=size, mime=sniffed.mime, kind=sniffed.kind,
        name=attachment.name, position=attachment.position, occurred_at=event.occurred_at,
    )
    return sha256


def _staged_rows(path: Path):
    with open(path, "rb") as file:
        while True:
            try:
                yield from pickle.load(file)
            except EOFError:
                return


def _commit(run: JobRun, staged: _Staged, context: ImportContext) -> None:
    """Insert everything in one transaction, or nothing."""
    job = run.job
    run.progress(90)
    promoted: list[str] = []
    try:
        with transaction.atomic():
            if not run.holds(lock=True):
                return  # a newer run took over
            case = Case.objects.select_for_update().get(id=job.case_id)
            export_item = _export_item(job, case)
            items, new_items = _attachment_items(job, case, export_item, staged, promoted)
            added = events_insert(case=case, source_item_id=export_item.id, rows=_staged_rows(staged.path))
            _link_attachments(case, staged, items)
            counts = {
                "calls": added["call"], "messages": added["message"], "attachments": len(new_items),
                "duplicates": sum(staged.records.values()) - sum(added.values()), "skipped": context.skipped,
            }
            run.finish(counts=counts, warnings=context.problems(), export_item=export_item,
                       mapping=context.applied_mapping or {})
            case_revise(case_id=case.id)
            custody_record(
                action="import.completed", actor=job.created_by, case_id=case.id, item_id=export_item.id,
                sha256=job.sha256, details={"import": str(job.id), **counts},
            )
            for item_id in [export_item.id, *(item.id for item in new_items)]:
                transaction.on_commit(lambda item_id=item_id: processing_enqueue(item_id))
            # The calls just imported may be the ones recordings already in the case record.
            transaction.on_commit(lambda: recordings_link(case=case, actor=job.created_by), robust=True)
    except BaseException:
        _forget_attachments(promoted)
        raise


def _export_item(job: Import, case: Case) -> EvidenceItem:
    """The export itself, as evidence: the bytes every imported event points back to."""
    item = EvidenceItem.objects.filter(case=case, sha256=job.sha256).first()
    if item is not None:
        return item
    export_format = parsers.format_by_name(job.format)
    with get_storage().open(job.sha256) as stream:
        mime = parsers.format_mime(export_format, stream.read(HEAD_BYTES))
    item = EvidenceItem.objects.create(
        case=case, kind=Kind.EXPORT, sha256=job.sha256, size=job.size, mime=mime,
        original_name=job.original_name, received_at=job.received_at, uploaded_by=job.created_by,
        note=str(export_format.label),
    )
    custody_record(action="evidence.received", actor=job.created_by, case_id=case.id, item_id=item.id,
                   sha256=job.sha256, details={"size": job.size, "import": str(job.id), "format": job.format})
    return item


def _attachment_items(job, case, export_item, staged: _Staged, promoted: list) -> tuple[dict, list]:
    storage, items, new_items = get_storage(), {}, []
    for sha256, attachment in staged.attachments.items():
        item = EvidenceItem.objects.filter(case=case, sha256=sha256).first()
        if item is None:
            if storage.promote(attachment.path, sha256):
                promoted.append(sha256)
            item = EvidenceItem.objects.create(
                case=case, kind=attachment.kind, sha256=sha256, size=attachment.size, mime=attachment.mime,
                original_name=clean_original_name(attachment.name), received_at=job.received_at,
                occurred_at=attachment.occurred_at, occurred_at_source=TimeSource.EXPORT,
                uploaded_by=job.created_by, imported_from=export_item, source_position=attachment.position,
            )
            custody_record(action="evidence.received", actor=job.created_by, case_id=case.id, item_id=item.id,
                           sha256=sha256, details={"from_export": export_item.sha256, "position": attachment.position})
            new_items.append(item)
        items[sha256] = item
    return items, new_items


def _link_attachments(case: Case, staged: _Staged, items: dict) -> None:
    if not items:
        return
    wanted = staged.links  # kept from the parse, so the staged rows are read once
    links = []
    ids = Event.objects.filter(case=case, fingerprint__in=list(wanted)).values_list("id", "fingerprint")
    for event_id, fingerprint in ids:
        links += [Event.attachments.through(event_id=event_id, evidenceitem_id=items[sha].id)
                  for sha in wanted[fingerprint] if sha in items]
    Event.attachments.through.objects.bulk_create(links, ignore_conflicts=True)


def _wait_for_mapping(run: JobRun, request: dict) -> None:
    """Stop at needs_mapping: the export stays stored until the borrower maps its columns."""
    job = run.job
    # The bar starts again once the columns are mapped (import_map), so it shows none while waiting.
    if run.pause(Status.NEEDS_MAPPING, progress=0, mapping_request=request):
        custody_record(action="import.needs_mapping", actor=job.created_by, case_id=job.case_id, sha256=job.sha256,
                       details={"import": str(job.id), "columns": len(request["columns"])})


def import_map(*, job: Import, mapping: dict, values: dict, defaults: dict, actor, request=None) -> Import:
    """Take the borrower's column mapping for a waiting CSV import and run it again."""
    if job.status != Status.NEEDS_MAPPING:
        raise ImportNotWaiting()
    problem = mapping_problem(job, mapping, values, defaults)
    if problem is not None:
        raise InvalidMapping(problem=problem)
    with transaction.atomic():
        updated = Import.objects.filter(id=job.id, status=Status.NEEDS_MAPPING).update(
            status=Status.QUEUED, progress=0,
            mapping={"mapping": mapping, "values": values, "defaults": defaults},
        )
        if not updated:
            raise ImportNotWaiting()
        custody_record(action="import.mapped", actor=actor, request=request, case_id=job.case_id, sha256=job.sha256,
                       details={"import": str(job.id), "mapping": mapping})
        transaction.on_commit(lambda: _enqueue(job.id))
    job.refresh_from_db()
    return job


def mapping_problem(job: Import, mapping: dict, values: dict, defaults: dict) -> str | None:
    """What is wrong with a submitted mapping, in the reader's language; None if it can be used."""
    known = set(job.mapping_request.get("columns", []))
    for name, column in mapping.items():
        if name not in columns.FIELDS:
            return _("%(field)s is not a field; use %(fields)s.") % {"field": name, "fields": ", ".join(columns.FIELDS)}
        for title in column if isinstance(column, list) else [column]:
            if title not in known:
                return _("The file has no column “%(column)s”.") % {"column": str(title)[:60]}
    missing = columns.missing_fields(mapping)
    if missing:
        return _("Choose a column for: %(fields)s.") % {"fields": ", ".join(str(FIELD_LABELS[f]) for f in missing)}
    for name, allowed in (("direction", columns.DIRECTIONS), ("kind", columns.KINDS)):
        for word, meaning in (values.get(name) or {}).items():
            if meaning not in allowed:
                return _("“%(word)s” cannot mean %(meaning)s; choose one of %(allowed)s.") % {
                    "word": str(word)[:60], "meaning": str(meaning)[:20], "allowed": ", ".join(allowed)}
    if set(values) - {"direction", "kind"}:
        return _("Only direction and kind words can be mapped.")
    if defaults.get("kind") not in (None, *columns.KINDS) or set(defaults) - {"kind"}:
        return _("The default kind must be one of %(allowed)s.") % {"allowed": ", ".join(columns.KINDS)}
    return None


def _failed(run: JobRun, problem: dict) -> None:
    """Once the run marked the import failed: say so, keep its warnings; the export goes if nothing needs it."""
    job = run.job
    context = getattr(run.state, "context", None)
    if context is not None:
        Import.objects.filter(id=job.id).update(warnings=context.problems())
    custody_record(action="import.failed", actor=job.created_by, case_id=job.case_id, sha256=job.sha256,
                   details={"import": str(job.id), "error": problem["code"]})
    _forget_export(job.sha256)


def _forget_export(sha256: str) -> None:
    """Remove a stored export that no item and no pending or finished import refers to."""
    in_use = EvidenceItem.objects.filter(sha256=sha256).exists() or Import.objects.filter(
        sha256=sha256, status__in=[Status.QUEUED, Status.RUNNING, Status.NEEDS_MAPPING, Status.DONE]).exists()
    if not in_use:
        get_storage().remove_unreferenced(sha256)


def _forget_attachments(sha256s: list[str]) -> None:
    for sha256 in sha256s:
        if not EvidenceItem.objects.filter(sha256=sha256).exists():
            get_storage().remove_unreferenced(sha256)


IMPORT_JOB = JobKind(
    name="import", model=Import, steps=[_parse, _write], task="evidence.imports.tasks.run_import",
    time_limit="IMPORT_TIME_LIMIT", queued_since="received_at", on_failed=_failed, select_related=["case"],
    description="Parse a stored phone export into the case's calls and messages.",
)
