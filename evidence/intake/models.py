import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case


class Kind(models.TextChoices):
    SCREENSHOT = "screenshot", _("Screenshot")
    PHOTO = "photo", _("Photo")
    RECORDING = "recording", _("Call recording")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    EXPORT = "export", _("Phone export (call log, messages)")


class TimeSource(models.TextChoices):
    EXIF = "exif", _("Capture time in the file (EXIF)")
    CLIENT = "client", _("Supplied by the phone")
    EXPORT = "export", _("Recorded in the phone export")
    USER = "user", _("Typed by the user")
    FILENAME = "filename", _("From the recorder's file name")
    UNKNOWN = "unknown", _("Unknown")


class Verification(models.TextChoices):
    PENDING = "pending", _("Not yet re-checked")
    OK = "ok", _("Stored bytes match the hash taken on arrival")
    MISMATCH = "mismatch", _("Stored bytes no longer match")
    MISSING = "missing", _("Stored file is missing")


class EvidenceItem(models.Model):
    """One original file in a case. The bytes live in storage under `sha256`, untouched."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence_items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    mime = models.CharField(max_length=100)
    original_name = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(help_text="Server clock when the last byte arrived: the trusted time.")
    occurred_at = models.DateTimeField(null=True, blank=True)
    occurred_at_source = models.CharField(max_length=8, choices=TimeSource.choices, default=TimeSource.UNKNOWN)
    note = models.TextField(blank=True, max_length=4000)
    purpose = models.CharField(
        max_length=500, blank=True, help_text="证明目的: what the borrower says this item proves (for the exhibit list)."
    )
    summary = models.CharField(
        max_length=500, blank=True, help_text="内容摘要: what the borrower says this item holds (for the exhibit list)."
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provided_by = models.CharField(max_length=150, blank=True,
                                   help_text="Who gave it, when not the borrower: an invitee, e.g. '母亲 (Relative)'.")
    verification = models.CharField(max_length=8, choices=Verification.choices, default=Verification.PENDING)
    verified_at = models.DateTimeField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    has_sensitive_metadata = models.BooleanField(default=False, help_text="GPS or similar: warn before sharing.")
    thumbnail = models.CharField(max_length=120, blank=True, help_text="Derived file name, rebuildable.")
    imported_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="extracted_items",
        help_text="The phone export this file was decoded from (an MMS picture).",
    )
    source_position = models.CharField(max_length=120, blank=True, help_text="Where in that export.")

    class Meta:
        ordering = ["received_at"]
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="one_item_per_content_per_case")]
        indexes = [models.Index(fields=["sha256"])]

    def __str__(self):
        return f"{self.kind} {self.sha256[:12]}"
