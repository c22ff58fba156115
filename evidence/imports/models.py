import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.common.jobs import Job, job_statuses
from evidence.intake.models import EvidenceItem

# A job's statuses, and one of its own: a CSV whose columns we do not know waits for the borrower.
Status = job_statuses("Status", __name__, NEEDS_MAPPING=("needs_mapping", _("Waiting for the columns to be mapped")))


def empty_counts() -> dict:
    return {"calls": 0, "messages": 0, "attachments": 0, "duplicates": 0, "skipped": 0}


class Import(Job):
    """One phone export being read into a case's events (a long job: evidence.common.jobs).

    The export's bytes are stored (content-addressed) on arrival. They become an evidence
    item, with every event pointing back to them, only if the whole import succeeds.
    `errors` says why it failed, `warnings` what a finished one could not read.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="imports")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    format = models.CharField(max_length=40)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    received_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=empty_counts)
    warnings = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(
        default=dict, blank=True,
        help_text="A CSV's columns: {mapping: {field: column}, values, defaults}, as the borrower or a known header set them.",
    )
    mapping_request = models.JSONField(
        default=dict, blank=True,
        help_text="For a CSV with unknown columns: the columns, a sample of rows and a suggested mapping.",
    )
    export_item = models.ForeignKey(EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["sha256"])]

    def __str__(self):
        return f"{self.format} {self.status} {self.sha256[:12]}"
