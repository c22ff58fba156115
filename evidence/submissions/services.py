"""Recording where a bundle was submitted and what came back."""

from datetime import datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from evidence.common.errors import EvidenceError
from evidence.custody.services import custody_record
from evidence.intake.services import evidence_ingest
from evidence.intake.uploads import HashedUpload
from evidence.reports.models import Authority, Bundle, BundleStatus
from evidence.submissions.models import Submission, SubmissionStatus, SubmissionUpdate

# A phone's clock may run a little ahead of the server's: a time up to this far ahead is taken
# as "now" rather than refused. Anything later is a mistake (or a wrong time zone).
CLOCK_SKEW = timedelta(minutes=5)


class NotReady(EvidenceError):
    # The same code and wording as reports' NotReady: clients handle both alike, and the
    # existing translation applies.
    status_code = HTTPStatus.CONFLICT
    code = "not_ready"
    message = _("The bundle is not finished yet (%(status)s, %(progress)s%%).")


class TimeInFuture(EvidenceError):
    code = "time_in_future"
    message = _("%(at)s is in the future. Give the time it happened: now at the latest.")


class TimeBeforeSubmission(EvidenceError):
    code = "time_before_submission"
    message = _("%(at)s is before the submission was made (%(submitted_at)s).")


def _not_in_future(at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise TimeInFuture(at=at.isoformat(timespec="minutes"))
    return min(at, now)


def submission_record(*, bundle: Bundle, authority: str, channel: str, submitted_at: datetime | None = None,
                      reference: str = "", note: str = "", actor, request=None) -> Submission:
    """Record that a finished bundle was handed to an authority; its history starts with "submitted"."""
    if bundle.status != BundleStatus.DONE:
        raise NotReady(status=bundle.status, progress=bundle.progress)
    submitted_at = _not_in_future(submitted_at)
    with transaction.atomic():
        submission = Submission.objects.create(
            bundle=bundle, case_id=bundle.case_id, authority=authority, channel=channel, submitted_at=submitted_at,
            reference=reference, note=note, status=SubmissionStatus.SUBMITTED, created_by=actor,
        )
        SubmissionUpdate.objects.create(submission=submission, status=SubmissionStatus.SUBMITTED, at=submitted_at,
                                        created_by=actor)
        custody_record(
            action="submission.recorded", actor=actor, request=request, case_id=bundle.case_id,
            details={"submission": str(submission.id), "bundle": str(bundle.id), "authority": authority,
                     "channel": channel, "reference": reference, "submitted_at": submitted_at.isoformat(),
                     "packet_sha256": bundle.packet_sha256},
        )
    return submission


def submission_update(*, submission: Submission, status: str, at: datetime | None = None, note: str = "",
                      receipt_upload: HashedUpload | None = None, actor, request=None) -> SubmissionUpdate:
    """Add a step to a submission's history, with the authority's receipt or answer kept as evidence.

    A step may move the status on or correct it; the submission's status is that of its latest
    step by time, so a step entered late for an earlier date does not override a newer one.
    """
    at = _not_in_future(at)
    if at < submission.submitted_at:
        raise TimeBeforeSubmission(at=at.isoformat(timespec="minutes"),
                                   submitted_at=submission.submitted_at.isoformat(timespec="minutes"))
    receipt = None
    if receipt_upload is not None:
        # Stored like any original (hashed, verified, in the custody log) before the step that
        # points at it; the same bytes already in the case give back the existing item.
        receipt, _created = evidence_ingest(
            case=submission.case, upload=receipt_upload, uploaded_by=actor, kind=None,
            note=_receipt_note(submission, note), request=request,
        )
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(id=submission.id)
        update = SubmissionUpdate.objects.create(submission=locked, status=status, at=at, note=note, receipt=receipt,
                                                 created_by=actor)
        latest = locked.updates.order_by("-at", "-created_at", "-id").first()
        if locked.status != latest.status:
            locked.status = latest.status
            locked.save(update_fields=["status"])
        custody_record(
            action="submission.updated", actor=actor, request=request, case_id=locked.case_id,
            item_id=receipt.id if receipt else None, sha256=receipt.sha256 if receipt else "",
            details={"submission": str(locked.id), "status": status, "at": at.isoformat(),
                     "receipt": str(receipt.id) if receipt else None},
        )
    submission.status = locked.status
    return update


def _receipt_note(submission: Submission, note: str) -> str:
    """What the receipt is, for the evidence list: "Receipt from …, submitted 2026-05-03: <note>"."""
    day = submission.submitted_at.astimezone(ZoneInfo(submission.case.timezone)).date().isoformat()
    text = gettext("Receipt or answer from %(authority)s to the submission of %(day)s") % {
        "authority": Authority(submission.authority).label, "day": day}
    return f"{text}: {note}"[:4000] if note else text
