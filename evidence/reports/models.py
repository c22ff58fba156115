import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.common.jobs import Job, JobStatus


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


BundleStatus = JobStatus  # a bundle has no state of its own beyond a job's


class Bundle(Job):
    """A case's evidence, frozen at one moment, made into a signed report and packet (a long job:
    evidence.common.jobs; `error`, the first of `errors`, says why one failed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bundles")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    authority = models.CharField(max_length=16, choices=Authority.choices, blank=True)
    language = models.CharField(max_length=8, default="zh-Hans")
    borrower_name = models.CharField(max_length=200, blank=True, help_text="As the borrower chooses to be named.")
    items = models.JSONField(default=list, help_text="The frozen evidence set: [{id, sha256}].")
    evidence_set_sha256 = models.CharField(max_length=64)
    findings = models.JSONField(default=list, blank=True, help_text="The findings the report printed, as built.")
    report_sha256 = models.CharField(max_length=64, blank=True)
    packet_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.purpose} {self.status} {self.evidence_set_sha256[:12]}"
