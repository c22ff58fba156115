"""Who else may see or add to a case: lawyers (per bundle), invitees (per case), and what they did."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.reports.models import Bundle


class Share(models.Model):
    """A bundle shown to one lawyer, read-only, until it expires or the borrower revokes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="shares")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="shares")
    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="shares_received", help_text="Empty until an invited lawyer signs up.")
    invited_email = models.EmailField(blank=True)
    can_download = models.BooleanField(default=True, help_text="Whether the lawyer may download the packet.")
    notify_owner = models.BooleanField(default=True, help_text="E-mail the borrower when the lawyer first opens it.")
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_accessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lawyer", "expires_at"])]

    def __str__(self):
        return f"share {self.id} of {self.bundle_id}"

    def state(self, now=None) -> str:
        """revoked, expired, invited (no account yet) or active."""
        now = now or timezone.now()
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active" if self.lawyer_id else "invited"


class Invitee(models.Model):
    """Someone the collectors also contacted (a relative, a colleague), invited to add their own evidence."""

    class Relation(models.TextChoices):
        RELATIVE = "relative", _("Relative")
        EMPLOYER = "employer", _("Employer")
        COLLEAGUE = "colleague", _("Colleague")
        FRIEND = "friend", _("Friend")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="invitees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="invited_to", help_text="Empty until they accept the invitation.")
    name = models.CharField(max_length=100, help_text="How the borrower names them, e.g. 母亲.")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    email = models.EmailField(blank=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.relation})"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active" if self.user_id else "invited"

    @property
    def provided_by(self) -> str:
        """What their evidence items say about where they came from."""
        return f"{self.name} ({self.get_relation_display()})"


class Invitation(models.Model):
    """A single-use, expiring sign-up link. Only the token's SHA-256 is kept."""

    class Kind(models.TextChoices):
        LAWYER = "lawyer", _("Lawyer")
        INVITEE = "invitee", _("Invitee")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token_sha256 = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    share = models.ForeignKey(Share, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(Invitee, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    def __str__(self):
        return f"{self.kind} invitation {self.id}"


class Access(models.Model):
    """One time a lawyer opened or downloaded something through a share (the borrower's access log)."""

    class What(models.TextChoices):
        OPENED = "opened", _("Opened the shared bundle")
        REPORT = "report", _("Viewed the report")
        PACKET = "packet", _("Downloaded the packet")
        TIMELINE = "timeline", _("Viewed the timeline")
        FINDINGS = "findings", _("Viewed the findings")
        EXHIBITS = "exhibits", _("Viewed the exhibit list")
        ORIGINAL = "original", _("Opened an exhibit")
        SEARCH = "search", _("Searched the case")

    id = models.BigAutoField(primary_key=True)
    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=16, choices=What.choices)
    item_id = models.UUIDField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
