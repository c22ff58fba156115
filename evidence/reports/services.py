"""Bundles: freeze a case's evidence, then build the signed report and packet in a job."""

import hashlib
import logging
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.analysis.services import analysis_current
from evidence.cases.models import Case, Jurisdiction
from evidence.common.errors import EvidenceError, storage_full
from evidence.common.heartbeat import heartbeat
from evidence.common.jobs import job_send
from evidence.custody.services import custody_record
from evidence.intake.models import EvidenceItem
from evidence.reports import assemble, authorities, records, texts
from evidence.reports.models import Authority, Bundle, BundleStatus
from evidence.reports.packet import OriginalChanged, Signatures, write_packet
from evidence.storage.backends import CHUNK, get_storage

log = logging.getLogger(__name__)
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)

ERRORS = {
    "original_changed": _("Exhibit %(exhibit)s (%(name)s) no longer matches the hash taken on arrival: "
                          "the stored file has changed. The packet was not made."),
    "original_missing": _("Exhibit %(exhibit)s (%(name)s) is missing from storage. The packet was not made."),
    "no_evidence": _("The case has no evidence to bundle yet."),
    "timed_out": _("Building the packet took longer than %(limit)s seconds and was stopped."),
    "signing_failed": _("The report could not be signed or timestamped: %(reason)s"),
    "internal_error": _("The packet could not be made because of a fault on the server; it has been logged."),
    "storage_full": _("The server ran out of disk space while making the packet. Nothing was kept; ask for it "
                      "again once the person who runs the server has freed space."),
    "gave_up": _("The packet could not be made after %(tries)s tries (%(reason)s). Ask for it again later."),
}


class AuthorityNotForJurisdiction(EvidenceError):
    code = "authority_not_for_jurisdiction"
    message = _("This authority does not handle cases in %(jurisdiction)s. Choose one of: %(choices)s.")


class BundleFailed(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code, self.params = code, params


def error_text(error: dict | None) -> str:
    if not error:
        return ""
    template = ERRORS.get(error.get("code"), "")
    return str(template) % error.get("params", {}) if template else error.get("code", "")


# --- requesting -----------------------------------------------------------------------
def bundle_request(*, case: Case, purpose: str, authority: str = "", language: str = "zh-Hans",
                   borrower_name: str = "", requested_by, request=None) -> Bundle:
    """Freeze the case's evidence as it is now and queue the build."""
    if authority and authority not in authorities.authorities_for(case.jurisdiction):
        raise AuthorityNotForJurisdiction(jurisdiction=Jurisdiction(case.jurisdiction).label,
                                          choices=", ".join(f"{Authority(code).label} ({code})"
                                                            for code in authorities.authorities_for(case.jurisdiction)))
    frozen = list(case.evidence_items.order_by("received_at", "id").values("id", "sha256"))
    with transaction.atomic():
        bundle = Bundle.objects.create(
            case=case, purpose=purpose, authority=authority, language=language, borrower_name=borrower_name,
            items=[{"id": str(entry["id"]), "sha256": entry["sha256"]} for entry in frozen],
            evidence_set_sha256=assemble.evidence_set_sha256(entry["sha256"] for entry in frozen),
            created_by=requested_by, created_at=timezone.now(),
        )
        custody_record(action="bundle.requested", actor=requested_by, request=request, case_id=case.id,
                       details={"bundle": str(bundle.id), "purpose": purpose, "items": len(frozen),
                                "evidence_set_sha256": bundle.evidence_set_sha256})
        transaction.on_commit(lambda: _enqueue(bundle.id))
    return bundle


def _enqueue(bundle_id) -> None:
    from evidence.reports.tasks import build_bundle

    job_send(build_bundle, str(bundle_id))


# --- building -------------------------------------------------------------------------
def bundle_build(*, bundle_id: str, tries_left: int = 0) -> None:
    """Build (or rebuild after a crash) the report and packet; done only when both are stored.

    tries_left: how many more times the job will be retried after a transient error; at 0, such
    an error ends the bundle `failed`, so it never stays `running` with nobody working on it.
    """
    attempt = _claim(bundle_id)
    if attempt is None:
        return
    bundle = Bundle.objects.select_related("case").get(id=bundle_id)
    work = get_storage().tmp / f"bundle-{bundle.id}"
    try:
        with heartbeat(Bundle, bundle.id, attempt):
            _build(bundle, attempt, _work_dir(work))
    except BundleFailed as failure:
        _fail(bundle, attempt, {"code": failure.code, "params": failure.params})
    except SoftTimeLimitExceeded:
        from django.conf import settings

        _fail(bundle, attempt, {"code": "timed_out", "params": {"limit": settings.CELERY_TASK_SOFT_TIME_LIMIT}})
    except TRANSIENT_ERRORS as error:
        if storage_full(error):
            log.error("bundle %s: storage full", bundle_id)
            _fail(bundle, attempt, {"code": "storage_full", "params": {}})
        elif tries_left <= 0:
            log.exception("bundle %s gave up", bundle_id)
            _fail(bundle, attempt, {"code": "gave_up", "params": {"tries": attempt, "reason": type(error).__name__}})
        else:
            raise  # retried; the next run claims the bundle again and starts over
    except Exception:
        log.exception("bundle %s failed", bundle_id)
        _fail(bundle, attempt, {"code": "internal_error", "params": {}})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _work_dir(path: Path) -> Path:
    """The bundle's scratch folder, emptied first: a run killed mid-build left its files here."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _claim(bundle_id: str) -> int | None:
    with transaction.atomic():
        bundle = Bundle.objects.select_for_update().filter(id=bundle_id).first()
        if bundle is None or bundle.status in (BundleStatus.DONE, BundleStatus.FAILED):
            return None
        bundle.attempt += 1
        bundle.status, bundle.started_at = BundleStatus.RUNNING, timezone.now()
        bundle.heartbeat_at = bundle.started_at
        bundle.save(update_fields=["attempt", "status", "started_at", "heartbeat_at"])
        return bundle.attempt


def _progress(bundle: Bundle, attempt: int, percent: float) -> None:
    """Move the bar forward only: a retried run never shows less than the last one did."""
    Bundle.objects.filter(id=bundle.id, attempt=attempt).update(progress=Greatest("progress", Value(int(percent))))


def _build(bundle: Bundle, attempt: int, work: Path) -> None:
    from evidence.reports import render, signing

    items = assemble.frozen_items(bundle)
    if not items:
        raise BundleFailed("no_evidence")
    numbers = assemble.exhibit_numbers(items)
    _verify_originals(bundle, attempt, items, numbers)  # 0–30 %
    try:
        tsa = signing.timestamp_authority(f"{bundle.id} {bundle.evidence_set_sha256}".encode())
    except signing.TimestampError as error:
        raise BundleFailed("signing_failed", reason=str(error)[:200]) from None
    # One read of the log: the report's custody pages and custody.jsonl show the same events.
    custody = assemble.custody_events(bundle.case, bundle)
    content = assemble.report_content(bundle, items, custody=custody, timestamp_authority=tsa)
    # What the report says is what a lawyer's read-only view shows, even after the case grows.
    Bundle.objects.filter(id=bundle.id, attempt=attempt).update(findings=analysis_findings(bundle.case))
    unsigned, report = work / "report.unsigned.pdf", work / "report.pdf"
    render.render_report(content, unsigned)
    _progress(bundle, attempt, 60)
    try:
        signing.sign_pdf(unsigned, report)
    except signing.TimestampError as error:
        raise BundleFailed("signing_failed", reason=str(error)[:200]) from None
    _progress(bundle, attempt, 70)
    packet = work / "packet.zip"
    try:
        report_sha256, packet_sha256 = write_packet(
            bundle=bundle, items=items, report_path=report, readme=texts.packet_readme().encode("utf-8"),
            records=records.records_files(bundle.case, numbers), custody=assemble.custody_jsonl(custody),
            extra=authorities.complaint_files(bundle, content), signatures=_signatures(signing, tsa),
            out_path=packet, on_progress=lambda fraction: _progress(bundle, attempt, 70 + 25 * fraction),
        )
    except OriginalChanged as changed:
        raise BundleFailed("original_changed", exhibit=numbers[changed.item.id], name=changed.item.original_name) from None
    except signing.TimestampError as error:
        raise BundleFailed("signing_failed", reason=str(error)[:200]) from None
    _store_and_finish(bundle, attempt, report, report_sha256, packet, packet_sha256)


def analysis_findings(case: Case) -> list:
    """The case's findings as the report prints them."""
    return analysis_current(case).findings


def _signatures(signing, tsa: str = "") -> Signatures:
    """The server's key signs SHA256SUMS; the TSA (when set) timestamps it; certs/ lets anyone check.

    tsa: the TSA subject the report names; a token from any other TSA would make the report wrong.
    """

    def timestamp(data: bytes) -> bytes | None:
        reply = signing.timestamp_reply(data)
        issuer = signing.tsa_subject(reply) if reply is not None else ""
        if issuer != tsa:
            raise signing.TimestampError(f"the timestamp came from {issuer or 'no TSA'}, the report names {tsa or 'none'}")
        return reply

    def certificates(reply: bytes | None) -> dict[str, bytes]:
        identity = signing.signing_identity()
        files = {"certs/ca.pem": identity.ca_pem, "certs/signer.pem": identity.certificate_pem}
        if reply is not None:
            files.update(signing.tsa_certificate_files(reply))
        return files

    return Signatures(sign=signing.sign_detached, timestamp=timestamp, certificates=certificates)


def _verify_originals(bundle: Bundle, attempt: int, items: list[EvidenceItem], numbers: dict) -> None:
    """Re-hash every original against its recorded SHA-256 before anything is packaged."""
    storage, total, done = get_storage(), sum(item.size for item in items) or 1, 0
    for item in items:
        if not storage.exists(item.sha256):
            raise BundleFailed("original_missing", exhibit=numbers[item.id], name=item.original_name)
        digest = hashlib.sha256()
        with storage.open(item.sha256) as original:
            while chunk := original.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != item.sha256:
            raise BundleFailed("original_changed", exhibit=numbers[item.id], name=item.original_name)
        done += item.size
        _progress(bundle, attempt, 30 * done / total)


def _store_and_finish(bundle: Bundle, attempt: int, report: Path, report_sha256: str, packet: Path,
                      packet_sha256: str) -> None:
    """Move both files into derived storage, then — and only then — mark the bundle done."""
    storage = get_storage()
    storage.put_derived_file(f"reports/{report_sha256}.pdf", report)
    storage.put_derived_file(f"packets/{packet_sha256}.zip", packet)
    with transaction.atomic():
        updated = Bundle.objects.filter(id=bundle.id, attempt=attempt, status=BundleStatus.RUNNING).update(
            status=BundleStatus.DONE, progress=100, report_sha256=report_sha256, packet_sha256=packet_sha256,
            finished_at=timezone.now(), error=None,
        )
        if updated:
            custody_record(action="bundle.built", actor=bundle.created_by, case_id=bundle.case_id,
                           sha256=packet_sha256, details={"bundle": str(bundle.id), "report_sha256": report_sha256,
                                                          "evidence_set_sha256": bundle.evidence_set_sha256})


def _fail(bundle: Bundle, attempt: int, error: dict) -> None:
    updated = Bundle.objects.filter(id=bundle.id, attempt=attempt, status=BundleStatus.RUNNING).update(
        status=BundleStatus.FAILED, error=error, finished_at=timezone.now())
    if updated:
        custody_record(action="bundle.failed", actor=bundle.created_by, case_id=bundle.case_id,
                       details={"bundle": str(bundle.id), "error": error["code"]})


def bundle_files(bundle: Bundle) -> dict:
    """Derived names of the finished bundle's files."""
    return {"report.pdf": f"reports/{bundle.report_sha256}.pdf", "packet.zip": f"packets/{bundle.packet_sha256}.zip"}


DOWNLOAD_WORDS = {"zh-Hans": {"report.pdf": "报告", "packet.zip": "证据包"},
                  "en": {"report.pdf": "report", "packet.zip": "evidence-packet"}}
UNSAFE_IN_NAME = re.compile(r"[^\w\u3400-\u9fff]+")  # anything but letters, digits, _ and Chinese: one '-'


def download_name(bundle: Bundle, file: str) -> str:
    """'证据包-某某贷-1a2b3c4d-2026-12-02.zip': what a downloaded file is called, so that a lawyer with ten
    packets knows whose is which: the case's title, the bundle's short id and its local date, in
    the bundle's language."""
    words = DOWNLOAD_WORDS["en" if bundle.language == "en" else "zh-Hans"]
    title = UNSAFE_IN_NAME.sub("-", bundle.case.title).strip("-_")[:40].strip("-_") or "case"
    day = bundle.created_at.astimezone(ZoneInfo(bundle.case.timezone)).date().isoformat()
    stem, _dot, extension = file.rpartition(".")
    return f"{words.get(file, stem)}-{title}-{str(bundle.id)[:8]}-{day}.{extension}"
