from django.conf import settings
from django.db import models


class CustodyEvent(models.Model):
    """One handling of the evidence, chained to the one before by its hash.

    Rows are only ever appended: changing or deleting one breaks every later hash, which
    `verify_audit` reports.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    item_id = models.UUIDField(null=True, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.at:%Y-%m-%d %H:%M:%S}"
