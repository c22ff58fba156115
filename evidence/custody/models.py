from django.conf import settings
from django.db import models


class CustodyAppendOnly(Exception):
    """Raised on any attempt to change or delete a custody event through the ORM."""


class CustodyEventQuerySet(models.QuerySet):
    """Reads and inserts only: the log's rows are never changed or removed."""

    def update(self, **kwargs):
        raise CustodyAppendOnly("The custody log is append-only: its events cannot be updated.")

    def delete(self):
        raise CustodyAppendOnly("The custody log is append-only: its events cannot be deleted.")

    # Django's deletion collector removes rows through this, bypassing delete().
    def _raw_delete(self, using):
        raise CustodyAppendOnly("The custody log is append-only: its events cannot be deleted.")


class CustodyEvent(models.Model):
    """One handling of the evidence, chained to the one before by its hash.

    Rows are only ever appended, which is enforced twice: here (save of an existing row,
    delete, queryset update and delete all raise CustodyAppendOnly) and, on PostgreSQL, by a
    trigger that refuses every UPDATE and DELETE. A row changed or removed behind both
    breaks the hash chain, which `verify_audit` reports.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=16, blank=True)
    purpose = models.CharField(max_length=200, blank=True, default="")  # why, e.g. "bundle for cn-12378"
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    item_id = models.UUIDField(null=True, blank=True, db_index=True)
    # Any other object the event is about: a bundle, a share, a submission.
    object_type = models.CharField(max_length=32, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    sha256_before = models.CharField(max_length=64, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True)  # the hash after the event
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = CustodyEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        # Related lookups and the deletion collector use the base manager: make it refuse too.
        base_manager_name = "objects"

    def __str__(self):
        return f"#{self.seq} {self.action} {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            raise CustodyAppendOnly(f"The custody log is append-only: event #{self.seq} cannot be changed.")
        # Always an INSERT: a new instance carrying an existing id must fail, not overwrite.
        super().save(**{**kwargs, "force_insert": True})

    def delete(self, *args, **kwargs):
        raise CustodyAppendOnly(f"The custody log is append-only: event #{self.seq} cannot be deleted.")
