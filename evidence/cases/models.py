import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.TextChoices):
    CN = "CN", _("China (mainland)")
    US = "US", _("United States")
    UK = "UK", _("United Kingdom")
    OTHER = "OTHER", _("Other")


DEFAULT_TIMEZONES = {
    Jurisdiction.CN: "Asia/Shanghai",
    Jurisdiction.US: "America/New_York",
    Jurisdiction.UK: "Europe/London",
    Jurisdiction.OTHER: "UTC",
}


class Case(models.Model):
    """One borrower's matter against one lender or collector."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(max_length=200)
    lender = models.CharField(max_length=200, blank=True)
    lending_app = models.CharField(max_length=200, blank=True)
    collection_agency = models.CharField(max_length=200, blank=True)
    jurisdiction = models.CharField(max_length=8, choices=Jurisdiction.choices, default=Jurisdiction.CN)
    timezone = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped when events, labels or third parties change; analyses record the one they read."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Role(models.TextChoices):
    """Who a number belongs to, as the borrower knows it."""

    COLLECTOR = "collector", _("Collector")
    LENDER = "lender", _("Lender or lending app")
    SELF = "self", _("Myself")
    RELATIVE = "relative", _("Relative")
    EMPLOYER = "employer", _("Employer")
    COLLEAGUE = "colleague", _("Colleague")
    FRIEND = "friend", _("Friend")
    OTHER = "other", _("Other")


COLLECTION_ROLES = (Role.COLLECTOR, Role.LENDER)


class NumberLabel(models.Model):
    """The borrower's word on whose a number is. Rules count only collectors' contacts."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="number_labels")
    number = models.CharField(max_length=64, help_text="Normalised: E.164, a short code's digits, or a name.")
    role = models.CharField(max_length=16, choices=Role.choices)
    name = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_label_per_number")]

    def __str__(self):
        return f"{self.number} ({self.role})"


class ContactChannel(models.TextChoices):
    CALL = "call", _("Phone call")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class ThirdPartyContact(models.Model):
    """A collector contacted someone other than the borrower (爆通讯录). They are victims too."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="third_party_contacts")
    name = models.CharField(max_length=200)
    relation = models.CharField(max_length=16, choices=Role.choices)
    number = models.CharField(max_length=64, blank=True, help_text="The third party's number, normalised.")
    contacted_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=ContactChannel.choices)
    disclosed_debt = models.BooleanField(default=False, help_text="The collector mentioned the debt to them.")
    after_refusal = models.BooleanField(default=False, help_text="They had already asked not to be contacted.")
    note = models.TextField(blank=True, max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contacted_at"]

    def __str__(self):
        return f"{self.name} {self.contacted_at:%Y-%m-%d}"
