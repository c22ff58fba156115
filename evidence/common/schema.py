"""The OpenAPI schema says every answer an operation can give, errors included.

- `paginated(Serializer)`: the `{count, next, previous, results}` page of a view that paginates
  by hand with PageNumberPagination, and `PAGE`, the query parameter that picks the page.
- `document_errors`: a drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS) that adds to
  every operation the error answers it can give, all with the one `Error` schema of
  evidence/common/errors.py: `{"error": code, "detail": text}` (+ `fields` when invalid).

Which operation gives which error is decided here, from the view and from `RAISES` below; the
suite (tests/test_schema.py) calls every operation with generated requests and fails on any
answer the schema does not describe. 405 is no operation's answer: it is what a method the
schema does not list for a path gets (with the same Error body), and the suite checks that too.
"""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from evidence.intake.streaming import StreamingMultiPartParser

PAGE = OpenApiParameter(
    "page", {"type": "integer", "minimum": 1},
    description="Which page, from 1 (404 past the last one); `next` and `previous` link to the neighbours.",
)

_pages: dict[type, type] = {}


def paginated(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The page of a PageNumberPagination answer whose rows are serializer_class, as its own component.

    Named Paginated<Name>List, like drf-spectacular's own pages: one class per row serializer.
    """
    if serializer_class not in _pages:
        name = serializer_class.__name__.removesuffix("Serializer")
        _pages[serializer_class] = type(f"Paginated{name}List", (serializers.Serializer,), {
            "__module__": serializer_class.__module__,
            "__doc__": f"One page of {name} rows: `count` in all, `results` on this page.",
            "count": serializers.IntegerField(help_text="Rows on all pages together."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first."),
            "results": serializer_class(many=True),
        })
    return _pages[serializer_class]


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer of the API: a stable code for programs and a text for people "
                   "(zh-Hans or English, from Accept-Language).",
    "properties": {
        "error": {"type": "string", "description": "Stable code, e.g. not_found, invalid, file_too_large."},
        "detail": {"type": "string", "description": "What went wrong and what to do, in the request's language."},
        "fields": {
            "type": "object", "additionalProperties": {},
            "description": "Only with `invalid`: each wrong field's messages, as DRF gives them.",
        },
    },
    "required": ["error", "detail"],
}

ERRORS = {
    400: "The request is malformed or a value is not valid; `error` says which problem, and with `invalid`, "
         "`fields` names each wrong field. Also a Host header the server does not serve.",
    401: "Not signed in, or the token or session is not valid.",
    403: "Signed in, but this account may not do this (a browser session also needs its CSRF token).",
    404: "No such thing, or the caller may not see it (the same answer either way); or a page past the last.",
    409: "Not possible in the present state, e.g. the bundle is not finished yet.",
    411: "The upload was sent without a Content-Length (chunked); send it with its length.",
    413: "The upload is larger than the server's limit; it was refused before it was read to the end.",
    415: "The body is of a content type this operation does not take, or the file of a kind the server does not "
         "store.",
    422: "The file is damaged or incomplete, has too many pixels to decode safely, or is not what the phone hashed.",
    429: "Too many requests of this kind; wait and try again (Retry-After, when sent, says how many seconds).",
    507: "The server has no room left to store this; nothing was kept.",
}

# The errors particular to one operation, beyond what document_errors works out from the view.
RAISES: dict[tuple[str, str], set[int]] = {
    # failed sign-ins and wrong codes are counted per account and address
    ("POST", "/api/auth/token/"): {429},
    ("POST", "/api/auth/signup/"): {403, 429},  # 403: the server takes no sign-ups
    ("POST", "/api/auth/totp/confirm/"): {429},
    ("DELETE", "/api/auth/totp/"): {415, 429},  # reads the code from a body too
    # uploads: the picture or recording is checked (and hashed) while it arrives
    ("POST", "/api/cases/{case_id}/evidence/"): {422, 429},
    ("POST", "/api/contributions/{invitee_id}/evidence/"): {422},
    ("POST", "/api/submissions/{submission_id}/updates/"): {422},
    # jobs: a few in flight per account, and queued through the broker (a full disk is 507)
    ("POST", "/api/cases/{case_id}/imports/"): {429},
    ("POST", "/api/cases/{case_id}/bundles/"): {429, 507},
    ("POST", "/api/imports/{import_id}/mapping/"): {409, 507},
    # only a finished bundle can be downloaded, shared or submitted
    ("GET", "/api/bundles/{bundle_id}/report.pdf"): {409},
    ("GET", "/api/bundles/{bundle_id}/packet.zip"): {409},
    ("POST", "/api/bundles/{bundle_id}/shares/"): {409},
    ("POST", "/api/bundles/{bundle_id}/submissions/"): {409},
    ("GET", "/api/shared/{share_id}/packet.zip"): {403},  # the borrower did not allow downloading it
}

UNSAFE = {"post", "put", "patch", "delete"}
# Operations that receive a file through the streaming upload parser: too large, of a kind not
# taken, or arriving on a full disk.
UPLOAD_ERRORS = {411, 413, 415, 507}


def _error_response(code: int) -> dict:
    response = {
        "description": ERRORS[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if code == 429:
        response["headers"] = {"Retry-After": {
            "schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}
    return response


def _views(generator) -> dict[tuple[str, str], type]:
    """(METHOD, path) -> the view class behind it."""
    views = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view_class = getattr(callback, "cls", None)
        if view_class is not None:
            views[method.upper(), path] = view_class
    return views


def _receives_files(view_class) -> bool:
    return any(issubclass(parser, StreamingMultiPartParser) for parser in getattr(view_class, "parser_classes", ()))


def operation_errors(method: str, path: str, operation: dict, view_class=None) -> set[int]:
    """The error statuses one operation can answer."""
    codes = {400}  # a malformed request, an invalid value, or a Host the server does not serve
    signed_in = any(requirement for requirement in operation.get("security", []))
    if signed_in:
        codes.add(401)
        if method.lower() in UNSAFE:
            codes.add(403)
    parameters = operation.get("parameters", [])
    if any(p.get("in") == "path" for p in parameters) or any(p.get("name") == "page" for p in parameters):
        codes.add(404)
    if "requestBody" in operation:
        codes.add(415)  # a body of a content type the view has no parser for
    if method.lower() in UNSAFE and view_class is not None and _receives_files(view_class):
        codes |= UPLOAD_ERRORS
    codes |= RAISES.get((method.upper(), path), set())
    return codes


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOK: document each operation's error answers with the shared Error schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    views = _views(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method.lower() not in {"get", "put", "post", "patch", "delete", "head", "options", "trace"}:
                continue
            responses = operation.setdefault("responses", {})
            for code in sorted(operation_errors(method, path, operation, views.get((method.upper(), path)))):
                responses.setdefault(str(code), _error_response(code))  # what a view documents itself stays
            operation["responses"] = dict(sorted(responses.items()))
    return result

