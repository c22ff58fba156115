import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case


class Purpose(models.TextChoices):
    LAWYER = "lawyer", _("For a lawyer")
    AUTHORITY = "authority", _("For an authority")
    SELF = "self", _("For my own records")


class Authority(models.TextChoices):
    CN_12378 = "cn-12378", "国家金融监督管理总局 12378"
    CN_NIFA = "cn-nifa", "中国互联网金融协会 举报平台"
    CN_12321 = "cn-12321", "12321 网络不良与垃圾信息举报受理中心"
    CN_POLICE = "cn-police", "公安机关（110 / 派出所）"
    CN_12315 = "cn-12315", "市场监管 12315"
    US_CFPB = "us-cfpb", "Consumer Financial Protection Bureau"
    UK_FOS = "uk-fos", "Financial Ombudsman Service"
    GENERIC = "generic", _("Any authority")


class BundleStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Bundle(models.Model):
    """A case's evidence, frozen at one moment, made into a signed report and packet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bundles")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    authority = models.CharField(max_length=16, choices=Authority.choices, blank=True)
    language = models.CharField(max_length=8, default="zh-Hans")
    borrower_name = models.CharField(max_length=200, blank=True, help_text="As the borrower chooses to be named.")
    items = models.JSONField(default=list, help_text="The frozen evidence set: [{id, sha256}].")
    evidence_set_sha256 = models.CharField(max_length=64)
    findings = models.JSONField(default=list, blank=True, help_text="The findings the report printed, as built.")
    status = models.CharField(max_length=8, choices=BundleStatus.choices, default=BundleStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.JSONField(null=True, blank=True, help_text="{code, params} when failed.")
    attempt = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Written every HEARTBEAT_INTERVAL seconds by the run at work.")
    report_sha256 = models.CharField(max_length=64, blank=True)
    packet_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.purpose} {self.status} {self.evidence_set_sha256[:12]}"
