from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FUTURE_TOLERANCE = timedelta(minutes=10)  # phones' clocks drift


class CaseLocalDateTimeField(serializers.DateTimeField):
    """A time with an offset, or a local time read in the case's time zone; not in the future.

    The serializer's context must carry the case.
    """

    def to_internal_value(self, value):
        self.timezone = ZoneInfo(self.context["case"].timezone)
        moment = super().to_internal_value(value)
        if moment > timezone.now() + FUTURE_TOLERANCE:
            raise serializers.ValidationError(_("This time is in the future."))
        return moment
