from django.db import models


class IntegrityReport(models.Model):
    """The outcome of one full re-hash of the stored originals."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    checked = models.IntegerField()
    missing = models.JSONField(default=list)
    changed = models.JSONField(default=list)
    unreferenced = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed)
