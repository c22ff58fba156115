"""Near-duplicate pictures: the same screenshot kept twice (a PNG and a recompressed JPEG, a resize,
a crop). Each stays its own exhibit with its own hash; a Twin row only says that two look alike."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import Case
from evidence.intake.models import EvidenceItem


class PictureFingerprint(models.Model):
    """A picture's perceptual hash: 256 bits of its brightness gradients at 16×16, as 64 hex digits."""

    item = models.OneToOneField(EvidenceItem, primary_key=True, on_delete=models.CASCADE, related_name="fingerprint")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    dhash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["case"])]


class Likeness(models.TextChoices):
    PICTURE = "picture", _("The same picture (another copy, resized or recompressed)")
    TEXT = "text", _("The same messages (a crop or another copy of the screenshot)")


class Twin(models.Model):
    """item looks like other; kept both ways round (a row for each), so each item finds its own."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="twins")
    other = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="+")
    how = models.CharField(max_length=8, choices=Likeness.choices)
    distance = models.PositiveSmallIntegerField(help_text="picture: differing hash bits of 256; text: 0")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "other"], name="twin_once")]
        indexes = [models.Index(fields=["case"])]
