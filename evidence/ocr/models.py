"""What the machine read in a picture: a derived record, rebuildable, never part of the original."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.intake.models import EvidenceItem


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be read")
    DONE = "done", _("Read")
    FAILED = "failed", _("Could not be read")
    UNAVAILABLE = "unavailable", _("Text recognition is not installed on this server")


class Layout(models.TextChoices):
    CHAT = "chat", _("Chat screenshot")
    TEXT = "text", _("Text")


class Review(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the borrower")
    DISMISSED = "dismissed", _("Dismissed by the borrower")


class RecognizedText(models.Model):
    """The text recognised in one picture (a screenshot, a photo), with its chat structure.

    `passages` are the units findings quote: in a chat screenshot one bubble each, with its side
    ("theirs", "mine") and the visible time above it; in other pictures one paragraph each
    (side "unknown"). Lines with their boxes are in the derived JSON file named by `derived`.
    """

    item = models.OneToOneField(EvidenceItem, primary_key=True, on_delete=models.CASCADE, related_name="recognized_text")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING)
    lang = models.CharField(max_length=12, blank=True, help_text="zh-Hans, en, or '' when no text was found.")
    content = models.TextField(blank=True, help_text="The text, one recognised line per line (chrome excluded).")
    layout = models.CharField(max_length=8, choices=Layout.choices, blank=True)
    title = models.CharField(max_length=200, blank=True, help_text="A chat's title bar: whom the chat is with.")
    passages = models.JSONField(default=list, blank=True)
    reviews = models.JSONField(default=dict, blank=True, help_text="Passage number -> confirmed | dismissed.")
    engine = models.CharField(max_length=120, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the engine took.")
    derived = models.CharField(max_length=120, blank=True, help_text="Derived JSON: lines with their boxes.")
    error = models.CharField(max_length=40, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    recognized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self):
        return f"text of {self.item_id} ({self.status})"
