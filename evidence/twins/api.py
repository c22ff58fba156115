"""`twins` on an evidence item: the other items of its case that are the same picture."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.twins.models import Likeness


class TwinOutput(serializers.Serializer):
    id = serializers.UUIDField(help_text="The other item.")
    original_name = serializers.CharField()
    received_at = serializers.DateTimeField()
    how = serializers.ChoiceField(choices=Likeness.choices,
                                  help_text="picture: the same picture (a copy, resized or recompressed); "
                                            "text: the same messages read in both (often a crop).")


@extend_schema_field(TwinOutput(many=True))
class TwinsField(serializers.Field):
    """The item's near-duplicates in its case, oldest first; [] for none and for items that are not pictures."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item):
        twins = sorted(item.twins.all(), key=lambda twin: (twin.other.received_at, str(twin.other_id)))
        return TwinOutput([{"id": twin.other_id, "original_name": twin.other.original_name,
                            "received_at": twin.other.received_at, "how": twin.how} for twin in twins], many=True).data
