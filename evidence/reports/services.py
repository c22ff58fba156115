"""Bundles: freeze a case's evidence, then build the signed report and packet in a job.

The build is a long job (evidence.common.jobs): BUNDLE_JOB's steps verify, render, sign, pack
and store, and the runner claims the bundle, keeps its bar and ends it failed when a step cannot go on.
"""

import hashlib
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.analysis.services import analysis_current
from evidence.cases.models import Case, Jurisdiction
from evidence.common.errors import EvidenceError
from evidence.common.jobs import JobFailed, JobKind, JobRun, job_progress, job_run, messages_register
from evidence.custody.services import custody_record
from evidence.intake.models import EvidenceItem
from evidence.reports import assemble, authorities, records, render, signing, texts
from evidence.reports.models import Authority, Bundle
from evidence.reports.packet import OriginalChanged, Signatures, write_packet
from evidence.storage.backends import CHUNK, get_storage

# Why a bundle failed, in words (the jobs' one registry; the runner's own four codes worded for a
# packet: timed_out's limit is BUNDLE_TIME_LIMIT).
MESSAGES = {
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
messages_register("bundle", MESSAGES)


class AuthorityNotForJurisdiction(EvidenceError):
    code = "authority_not_for_jurisdiction"
    message = _("This authority does not handle cases in %(jurisdiction)s. Choose one of: %(choices)s.")


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
    """Queue the bundle's build (bench/ replaces this to time the build in its own process)."""
    BUNDLE_JOB.send(bundle_id)


# --- building -------------------------------------------------------------------------
def bundle_build(*, bundle_id: str, tries_left: int = 0) -> None:
    """Build (or rebuild after a crash) the report and packet; done only when both are stored."""
    job_run(BUNDLE_JOB, bundle_id, tries_left=tries_left)


def _progress(bundle: Bundle, attempt: int, percent: float) -> None:
    """The bundle's bar, forward only (bench/bundle.py times the build's phases through this)."""
    job_progress(Bundle, bundle.id, attempt, percent)


def _verify(run: JobRun) -> None:
    """0–30 %: every frozen original still has the hash it arrived with."""
    bundle, state = run.job, run.state
    state.items = assemble.frozen_items(bundle)
    if not state.items:
        raise JobFailed("no_evidence")
    state.numbers = assemble.exhibit_numbers(state.items)
    _verify_originals(bundle, run.attempt, state.items, state.numbers)


def _render(run: JobRun) -> None:
    """30–60 %: the report, unsigned."""
    bundle, state = run.job, run.state
    try:
        state.tsa = signing.timestamp_authority(f"{bundle.id} {bundle.evidence_set_sha256}".encode())
    except signing.TimestampError as error:
        raise JobFailed("signing_failed", reason=str(error)[:200]) from None
    # One read of the log: the report's custody pages and custody.jsonl show the same events.
    state.custody = assemble.custody_events(bundle.case, bundle)
    state.content = assemble.report_content(bundle, state.items, copies=run.work_dir / "originals",
                                           custody=state.custody, timestamp_authority=state.tsa)
    # What the report says is what a lawyer's read-only view shows, even after the case grows.
    Bundle.objects.filter(id=bundle.id, attempt=run.attempt).update(findings=analysis_findings(bundle.case))
    state.unsigned = run.work_dir / "report.unsigned.pdf"
    render.render_report(state.content, state.unsigned)
    _progress(bundle, run.attempt, 60)


def _sign(run: JobRun) -> None:
    """60–70 %: the report's PAdES signature (and timestamp)."""
    state = run.state
    state.report = run.work_dir / "report.pdf"
    try:
        signing.sign_pdf(state.unsigned, state.report)
    except signing.TimestampError as error:
        raise JobFailed("signing_failed", reason=str(error)[:200]) from None
    _progress(run.job, run.attempt, 70)


def _pack(run: JobRun) -> None:
    """70–95 %: the packet, its checksums signed."""
    bundle, state = run.job, run.state
    state.packet = run.work_dir / "packet.zip"
    try:
        state.report_sha256, state.packet_sha256 = write_packet(
            bundle=bundle, items=state.items, report_path=state.report, readme=texts.packet_readme().encode("utf-8"),
            records=records.records_files(bundle.case, state.numbers, run.work_dir), custody=assemble.custody_jsonl(state.custody),
            extra=authorities.complaint_files(bundle, state.content), signatures=_signatures(state.tsa),
            out_path=state.packet, on_progress=lambda fraction: _progress(bundle, run.attempt, 70 + 25 * fraction),
        )
    except OriginalChanged as changed:
        raise JobFailed("original_changed", exhibit=state.numbers[changed.item.id],
                        name=changed.item.original_name) from None
    except signing.TimestampError as error:
        raise JobFailed("signing_failed", reason=str(error)[:200]) from None


def _store(run: JobRun) -> None:
    """95–100 %: both files into derived storage, then — and only then — the bundle is done."""
    state = run.state
    _store_and_finish(run, state.report, state.report_sha256, state.packet, state.packet_sha256)


def analysis_findings(case: Case) -> list:
    """The case's findings as the report prints them."""
    return analysis_current(case).findings


def _signatures(tsa: str = "") -> Signatures:
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
            raise JobFailed("original_missing", exhibit=numbers[item.id], name=item.original_name)
        digest = hashlib.sha256()
        with storage.open(item.sha256) as original:
            while chunk := original.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != item.sha256:
            raise JobFailed("original_changed", exhibit=numbers[item.id], name=item.original_name)
        done += item.size
        _progress(bundle, attempt, 30 * done / total)


def _store_and_finish(run: JobRun, report: Path, report_sha256: str, packet: Path, packet_sha256: str) -> None:
    """Move both files into derived storage, then — and only then — mark the bundle done."""
    bundle, storage = run.job, get_storage()
    storage.put_derived_file(f"reports/{report_sha256}.pdf", report)
    storage.put_derived_file(f"packets/{packet_sha256}.zip", packet)
    with transaction.atomic():
        if run.finish(report_sha256=report_sha256, packet_sha256=packet_sha256):
            custody_record(action="bundle.built", actor=bundle.created_by, case_id=bundle.case_id,
                           sha256=packet_sha256, details={"bundle": str(bundle.id), "report_sha256": report_sha256,
                                                          "evidence_set_sha256": bundle.evidence_set_sha256})


def _failed(run: JobRun, problem: dict) -> None:
    """Once the run marked the bundle failed: the custody log says so."""
    bundle = run.job
    custody_record(action="bundle.failed", actor=bundle.created_by, case_id=bundle.case_id,
                   details={"bundle": str(bundle.id), "error": problem["code"]})


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


BUNDLE_JOB = JobKind(
    name="bundle", model=Bundle, steps=[_verify, _render, _sign, _pack, _store], task="evidence.reports.tasks.build_bundle",
    time_limit="BUNDLE_TIME_LIMIT", queued_since="created_at", on_failed=_failed, select_related=["case"],
    description="Verify the originals, render and sign the report, write and sign the packet.",
)
