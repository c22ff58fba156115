import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.intake.models import EvidenceItem
from evidence.reports.models import Authority, Bundle


class Channel(models.TextChoices):
    ONLINE_PORTAL = "online_portal", _("Online portal")
    HOTLINE = "hotline", _("Hotline")
    POST = "post", _("Post")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Submission(models.Model):
    """A bundle handed to an authority (or a lawyer): where, how, when, and what came back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="submissions")
    # The bundle's case, repeated so that permission filters (scoped_to_visible_cases) need no join.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="submissions")
    authority = models.CharField(max_length=16, choices=Authority.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    submitted_at = models.DateTimeField(default=timezone.now, help_text="When it was sent; never in the future.")
    reference = models.CharField(max_length=200, blank=True,
                                 help_text="受案回执 number, 查询码, CFPB complaint id: whatever the authority gave.")
    note = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED,
                              help_text="The status of the latest update (by its time): kept here for lists.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self):
        return f"{self.authority} {self.status} {self.reference}".strip()


class SubmissionUpdate(models.Model):
    """One step of a submission's history: sent, acknowledged, answered, closed, or a correction."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices)
    at = models.DateTimeField(help_text="When it happened, as the borrower says; never in the future.")
    note = models.TextField(blank=True, max_length=4000)
    receipt = models.ForeignKey(EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The receipt or answer, kept as evidence in the same case.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "created_at", "id"]

    def __str__(self):
        return f"{self.status} {self.at:%Y-%m-%d}"
