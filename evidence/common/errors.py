"""One exception hierarchy, one handler: every API error is {"error": code, "detail": text}.

The code is stable for programs; the text is translated for people (zh-Hans or English,
from Accept-Language).
"""

import errno
import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class EvidenceError(Exception):
    """An error a user can act on, raised by services with no HTTP in them: a stable code, the
    message in words (translated when shown) and its parameters. Subclasses set code and message;
    status_code is the HTTP status the one handler below answers it with."""

    status_code = HTTPStatus.BAD_REQUEST
    code = "bad_request"
    message = _("The request could not be processed.")

    def __init__(self, **params):
        self.params = params
        super().__init__(self.code)

    def text(self) -> str:
        text = str(self.message)  # translated now, in the request's language
        return text % self.params if self.params else text


class NotFound(EvidenceError):
    status_code = HTTPStatus.NOT_FOUND
    code = "not_found"
    message = _("Not found.")


class StorageFull(EvidenceError):
    """The disk (or quota) under the stored files or the upload folder is full."""

    status_code = HTTPStatus.INSUFFICIENT_STORAGE
    code = "storage_full"
    message = _("The server has no room left to store this. Nothing was kept; your file is safe on your phone. "
                "Try again later, and tell the person who runs this server.")


class SearchQueryMissing(EvidenceError):
    """GET /api/cases/{id}/search/ without anything to look for (nothing but spaces counts as nothing)."""

    code = "query_missing"
    message = _("Type a word to search for.")


class SearchQueryTooLong(EvidenceError):
    code = "query_too_long"
    message = _("Search for at most %(limit)s characters; this search has %(length)s.")


def storage_full(error: BaseException) -> bool:
    """Whether an error means "no space left" (a full disk, or a full quota)."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


_DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", _("Sign in first.")),
    exceptions.AuthenticationFailed: ("authentication_failed", _("The sign-in details are not valid.")),
    exceptions.PermissionDenied: ("permission_denied", _("You may not do this.")),
    exceptions.NotFound: ("not_found", _("Not found.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("This method is not allowed here.")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", _("This request body type is not accepted here.")),
    exceptions.ParseError: ("malformed_request", _("The request body could not be read.")),
    exceptions.Throttled: ("throttled", _("Too many requests. Wait a while and try again.")),
}


def api_exception_handler(exc, context):
    if storage_full(exc):
        logger.error("storage full while answering %s", context.get("request") and context["request"].path)
        exc = StorageFull()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, EvidenceError):
        response = Response({"error": exc.code, "detail": exc.text()}, status=exc.status_code)
    elif isinstance(exc, exceptions.ValidationError):
        response = Response(
            {"error": "invalid", "detail": _first_message(exc.detail), "fields": exc.detail},
            status=status.HTTP_400_BAD_REQUEST,
        )
    else:
        response = drf_exception_handler(exc, context)
        if response is None:
            return None  # a bug: let Django log it and answer 500
        code, text = next(
            # The exact class: a subclass (an expired sign-in) keeps its own code and words.
            ((c, t) for cls, (c, t) in _DRF_CODES.items() if type(exc) is cls),
            (getattr(exc, "default_code", "error"), exc.detail),
        )
        response.data = {"error": code, "detail": str(text)}
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    elif getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _first_message(detail) -> str:
    """The first human message in a nested DRF validation error, prefixed by its field."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            return message if field == "non_field_errors" else f"{field}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)
