from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evidence.cases.models import Case
from evidence.common.ids import time_ordered_uuid
from evidence.intake.models import EvidenceItem


class EventKind(models.TextChoices):
    CALL = "call", _("Call")
    MESSAGE = "message", _("Message")


class Direction(models.TextChoices):
    """Seen from the borrower's phone. Only `out` was started by the borrower."""

    IN = "in", _("Incoming")
    OUT = "out", _("Outgoing")
    MISSED = "missed", _("Missed")
    REJECTED = "rejected", _("Rejected")
    BLOCKED = "blocked", _("Blocked")
    VOICEMAIL = "voicemail", _("Voicemail")


UNANSWERED = (Direction.MISSED, Direction.REJECTED, Direction.BLOCKED, Direction.VOICEMAIL)

# How an event's direction reads depends on its kind: a call is 呼入/呼出, a message 收到/发出. Every page,
# the API's meta and the phone app name an event through these two tables (never Direction's own
# labels, which cover both kinds at once).
CALL_DIRECTION_LABELS = {
    Direction.IN: pgettext_lazy("call", "Incoming"),
    Direction.OUT: pgettext_lazy("call", "Outgoing"),
    Direction.MISSED: pgettext_lazy("call", "Missed"),
    Direction.REJECTED: pgettext_lazy("call", "Rejected"),
    Direction.BLOCKED: pgettext_lazy("call", "Blocked"),
    Direction.VOICEMAIL: pgettext_lazy("call", "Voicemail"),
}
MESSAGE_DIRECTION_LABELS = {
    Direction.IN: pgettext_lazy("message", "Received"),
    Direction.OUT: pgettext_lazy("message", "Sent"),
}


def direction_label(kind: str, direction: str) -> str:
    """'呼出' for an outgoing call, '收到' for a received message: an event's direction in words."""
    table = MESSAGE_DIRECTION_LABELS if kind == EventKind.MESSAGE else CALL_DIRECTION_LABELS
    label = table.get(direction)
    return str(label) if label is not None else direction


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    MMS = "mms", _("MMS")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


CALL_CHANNELS = (Channel.PHONE, Channel.WECHAT, Channel.VISIT, Channel.OTHER)
MESSAGE_CHANNELS = (Channel.SMS, Channel.MMS, Channel.WECHAT, Channel.LETTER, Channel.EMAIL, Channel.OTHER)
CALL_CHANNEL_CHOICES = [(channel.value, channel.label) for channel in CALL_CHANNELS]
MESSAGE_CHANNEL_CHOICES = [(channel.value, channel.label) for channel in MESSAGE_CHANNELS]


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    SENT = "sent", _("Sent")
    DRAFT = "draft", _("Draft")
    OUTBOX = "outbox", _("Waiting to send")
    FAILED = "failed", _("Failed to send")
    QUEUED = "queued", _("Queued")


class Event(models.Model):
    """One call or message, from a phone export or typed in by the borrower.

    An imported event points at the export it came from (an evidence item, stored untouched)
    and its position there, so anyone can trace the row back to the bytes.
    """

    id = models.UUIDField(primary_key=True, default=time_ordered_uuid, editable=False)
    # No index of its own: the unique (case, fingerprint) constraint and the time and number
    # indexes all lead with case_id; a fourth copy only slows the 100k-row import down.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(max_length=8, choices=EventKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, blank=True)
    occurred_at = models.DateTimeField()
    number = models.CharField(max_length=200, blank=True, help_text="As written in the source.")
    number_normalized = models.CharField(max_length=64, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(blank=True)
    note = models.TextField(blank=True)
    source_item = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="imported_events"
    )
    source_position = models.CharField(max_length=120, blank=True)
    source_type_code = models.SmallIntegerField(null=True, blank=True, help_text="The export's own type code.")
    entered_by = models.ForeignKey(  # NULL on every imported row; never searched by: no index
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    fingerprint = models.CharField(max_length=64, help_text="Same call or message, same fingerprint.")
    attachments = models.ManyToManyField(EvidenceItem, blank=True, related_name="attached_to")
    recording = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="recorded_calls",
        db_index=False,  # the unique constraint below is the index
        help_text="The call recording of this call, matched by number and start time (recordings_link).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "fingerprint"], name="one_event_per_fingerprint"),
            # A recording records one call: linking it twice would be a second claim about the bytes.
            models.UniqueConstraint(fields=["recording"], name="one_call_per_recording"),
        ]
        indexes = [
            models.Index(fields=["case", "occurred_at", "id"], name="event_case_time"),
            models.Index(fields=["case", "number_normalized", "occurred_at"], name="event_case_number"),
        ]

    def __str__(self):
        return f"{self.kind} {self.direction} {self.number_normalized} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_manual(self) -> bool:
        return self.source_item_id is None
