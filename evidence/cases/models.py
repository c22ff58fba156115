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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title
