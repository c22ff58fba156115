"""GET /api/meta/: every code the API sends or takes, with its words in both languages.

The phone app names kinds, directions, channels, roles, purposes, authorities and statuses with
these labels (it keeps the last copy for offline use), so the app and the server's own pages and
reports cannot drift apart. The words are the server's translation catalogue; adding a value to
one of the choices below adds it here.
"""

from django.db.models import TextChoices
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.cases.models import DEFAULT_TIMEZONES, Jurisdiction, Role
from evidence.events.models import (
    CALL_CHANNELS,
    CALL_DIRECTION_LABELS,
    MESSAGE_CHANNELS,
    MESSAGE_DIRECTION_LABELS,
    Channel,
    EventKind,
)
from evidence.imports.models import Status as ImportStatus
from evidence.intake.models import Kind, TimeSource, Verification
from evidence.reports.authorities import authorities_for
from evidence.reports.models import Authority, BundleStatus, Purpose
from evidence.submissions.models import Channel as SubmissionChannel
from evidence.submissions.models import SubmissionStatus

LANGUAGES = ("zh-Hans", "en")


def _words(label) -> dict[str, str]:
    """{'zh-Hans': …, 'en': …} of one lazily translated label."""
    words = {}
    for language in LANGUAGES:
        with translation.override(language):
            words[language] = str(label)
    return words


def _choices(choices: type[TextChoices]) -> list[dict]:
    return [{"value": value, "label": _words(label)} for value, label in zip(choices.values, choices.labels, strict=True)]


def _table(labels: dict) -> list[dict]:
    return [{"value": str(value), "label": _words(label)} for value, label in labels.items()]


def meta() -> dict:
    """The codes and their words; values within each list in the order a form should offer them."""
    return {
        "languages": list(LANGUAGES),
        "jurisdiction": [
            {**row, "timezone": DEFAULT_TIMEZONES.get(row["value"], "UTC"), "authorities": list(authorities_for(row["value"]))}
            for row in _choices(Jurisdiction)
        ],
        "kind": _choices(Kind),
        "event_kind": _choices(EventKind),
        "call_direction": _table(CALL_DIRECTION_LABELS),
        "message_direction": _table(MESSAGE_DIRECTION_LABELS),
        "channel": _choices(Channel),
        "call_channels": [str(c) for c in CALL_CHANNELS],
        "message_channels": [str(c) for c in MESSAGE_CHANNELS],
        "role": _choices(Role),
        "purpose": _choices(Purpose),
        "authority": _choices(Authority),
        "time_source": _choices(TimeSource),
        "verification": _choices(Verification),
        "import_status": _choices(ImportStatus),
        "bundle_status": _choices(BundleStatus),
        "submission_channel": _choices(SubmissionChannel),
        "submission_status": _choices(SubmissionStatus),
    }


class MetaApi(APIView):
    """Every code with its words in zh-Hans and English. Public: the app needs it before signing in."""

    authentication_classes = []  # public: a stale token must not turn this into a 401
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, auth=[])
    def get(self, request):
        response = Response(meta())
        response["Cache-Control"] = "public, max-age=300"
        return response
