from django.db import models

from evidence.cases.models import Case


class Analysis(models.Model):
    """A case's findings and chart numbers, as computed from one revision of its facts."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="analysis")
    revision = models.PositiveIntegerField(help_text="The case revision the analysis read.")
    computed_at = models.DateTimeField()
    ruleset = models.CharField(max_length=16, blank=True)
    ruleset_version = models.CharField(max_length=32, blank=True)
    findings = models.JSONField(default=list)
    collectors = models.JSONField(default=list)
    charts = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "analyses"

    def __str__(self):
        return f"{self.case_id} r{self.revision}"
