"""Reads of submissions, each already narrowed to what the caller may see."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from evidence.cases.models import Case
from evidence.cases.selectors import cases_writable_by, scoped_to_visible_cases
from evidence.reports.content import SubmissionRow, SubmissionStep
from evidence.reports.models import Bundle
from evidence.submissions.models import Submission, SubmissionUpdate


def _with_history(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    updates = SubmissionUpdate.objects.select_related("receipt").order_by("at", "created_at", "id")
    return queryset.select_related("bundle").prefetch_related(Prefetch("updates", queryset=updates))


def submissions_visible_to(user) -> QuerySet[Submission]:
    """Submissions in the cases this user may read, with their history."""
    return _with_history(scoped_to_visible_cases(Submission.objects.all(), user))


def submissions_writable_by(user) -> QuerySet[Submission]:
    """Submissions this user may add updates to: those in the cases they may write to."""
    return _with_history(Submission.objects.filter(case__in=cases_writable_by(user).values("id")))


def bundles_visible_to(user) -> QuerySet[Bundle]:
    return scoped_to_visible_cases(Bundle.objects.all(), user)


def bundles_writable_by(user) -> QuerySet[Bundle]:
    """Bundles this user may record a submission of: those of the cases they may write to."""
    return Bundle.objects.filter(case__in=cases_writable_by(user).values("id"))


def submission_rows_for_report(*, case: Case, until: datetime) -> list[SubmissionRow]:
    """The case's submissions and their steps as recorded up to `until`, for a report.

    Only rows recorded by then count, so a report rebuilt later says what it said the first time.
    Registered with evidence.reports.sections by this app's ready(); no user: the report's
    bundle already belongs to the case.
    """
    updates = SubmissionUpdate.objects.filter(created_at__lte=until).select_related("receipt").order_by(
        "at", "created_at", "id")
    submissions = (Submission.objects.filter(case=case, created_at__lte=until).select_related("bundle")
                   .prefetch_related(Prefetch("updates", queryset=updates)))
    rows = []
    for submission in submissions:
        steps = [SubmissionStep(status=u.status, at=u.at, note=u.note,
                                receipt_sha256=u.receipt.sha256 if u.receipt else "") for u in submission.updates.all()]
        rows.append(SubmissionRow(
            authority=submission.authority, channel=submission.channel, submitted_at=submission.submitted_at,
            reference=submission.reference, status=steps[-1].status if steps else submission.status,
            note=submission.note, packet_sha256=submission.bundle.packet_sha256, history=steps,
        ))
    return rows
