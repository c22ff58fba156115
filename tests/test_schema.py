"""The OpenAPI schema describes every answer the API gives.

Schemathesis reads /api/schema/ from the WSGI application (in this process: no server), builds
requests for every operation from it, valid and invalid ones, and sends them with a token:
the borrower's who owns a case with everything in it (tests/test_permissions.py's `world`), the
lawyer's it is shared with on /api/shared/, the invited relative's on /api/contributions/. Path
parameters name their own things, so that most requests reach a real case, file, bundle or share.
Every answer must be documented (status code, content type, body schema) and none may be a
server error. The seed is fixed and the example database off: each run sends the same requests,
and a failure names the request (as curl) to replay.
"""

import re
import time
import uuid

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from evidence.common.schema import RAISES
from tests.conftest import token_for
from tests.test_permissions import world  # noqa: F401  (the fixture)

SEED = 20260501
EXAMPLES = 10  # per operation, for valid and again for invalid requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE


def _caller(path: str) -> str:
    """Whose token calls an operation: the one who has something there."""
    if path.startswith("/api/shared/"):
        return "lawyer_shared"
    if path.startswith("/api/contributions/"):
        return "invitee"
    return "owner"


def _path_values(world, operation) -> dict[str, str]:  # noqa: F811
    shares = world["shares"]
    values = {
        "case_id": str(world["case"].id), "item_id": world["item"]["id"], "import_id": world["import"],
        "label_id": str(world["label"]), "contact_id": world["third"], "bundle_id": world["bundle"],
        # the lawyer reads the live share; revoking one revokes another
        "share_id": shares["lawyer_expired" if operation.method.upper() == "DELETE" else "lawyer_shared"],
        "invitee_id": world["invitee"], "submission_id": world["submission"], "token_id": str(world["spare_token"]),
    }
    names = {parameter.name for parameter in operation.path_parameters}
    return {name: value for name, value in values.items() if name in names}


def _modes(operation, path_values):
    """Valid requests to the caller's things; invalid ones to the same things (a wrong query or body) or,
    where there is nothing else to make invalid, to invalid paths."""
    yield POSITIVE, path_values
    if any(len(part) for part in (operation.query, operation.headers, operation.cookies, operation.body)):
        yield NEGATIVE, path_values
    elif len(operation.path_parameters):
        yield NEGATIVE, None


def _send(operation, mode, *, headers, path_parameters) -> None:
    """EXAMPLES generated requests to one operation, each answer checked against the schema."""
    strategy = operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=path_parameters)

    @hypothesis.seed(SEED)
    @hypothesis.settings(max_examples=EXAMPLES, derandomize=False, database=None, deadline=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False)
    @hypothesis.given(strategy)
    def send(case):
        case.call_and_validate(checks=CHECKS)

    send()


@pytest.fixture
def same_connection():
    """Requests through the bare WSGI application keep the test's database connection and transaction
    (as Django's test client does): Django would otherwise close it when each answer is finished."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_every_answer_is_in_the_schema(world, same_connection):  # noqa: F811
    from config.wsgi import application

    # The token goes in a header of its own; no generated credentials (they would only be refused).
    config = schemathesis.Config.from_dict({"seed": SEED, "generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")  # what deletes goes last
    tokens = {who: token_for(world["people"][who]) for who in ("owner", "lawyer_shared", "invitee")}
    failures, started = [], time.monotonic()
    for operation in operations:
        headers = {"Authorization": f"Token {tokens[_caller(operation.path)]}"}
        path_values = _path_values(world, operation)
        for mode, path_parameters in _modes(operation, path_values):
            try:
                _send(operation, mode, headers=headers, path_parameters=path_parameters)
            except Unsatisfiable:  # nothing of this request can be made invalid
                assert mode is NEGATIVE, f"{operation.label}: no valid request"
            except KeyboardInterrupt:
                raise
            except BaseException as failure:  # every operation is tried; the failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    print(f"{len(operations)} operations, {EXAMPLES} examples per mode, seed {SEED}: "
          f"{time.monotonic() - started:.1f} s")
    assert len(operations) >= 60, "the schema lost its operations"
    assert not failures, "\n\n".join(failures)


def test_the_schema_names_each_operations_errors_with_the_one_error_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operations = {(method.upper(), path): operation
                  for path, methods in schema["paths"].items() for method, operation in methods.items()}
    assert set(RAISES) <= set(operations), "RAISES names operations the schema does not have"
    assert schema["components"]["schemas"]["Error"]["required"] == ["error", "detail"]
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        assert any(code < "400" for code in responses), f"{method} {path} lost its success answer"
        for code in (code for code in responses if code >= "400"):
            assert responses[code]["content"] == {"application/json": {"schema": {
                "$ref": "#/components/schemas/Error"}}}, f"{method} {path} {code}"
        signed_in = any(operation.get("security", []))
        assert ("401" in responses) == signed_in, f"{method} {path}: 401 exactly where a sign-in is needed"
        assert "400" in responses

    def codes(method, path):
        return set(operations[method, path]["responses"])

    assert {"201", "413", "415", "422", "429", "507"} <= codes("POST", "/api/cases/{case_id}/evidence/")
    assert {"202", "413", "415", "429", "507"} <= codes("POST", "/api/cases/{case_id}/imports/")
    assert {"409"} <= codes("GET", "/api/bundles/{bundle_id}/packet.zip")
    assert codes("GET", "/api/meta/") == {"200", "400"}
    # The code that turns two-factor sign-in off is required and cannot be empty.
    code = next(p for p in operations["DELETE", "/api/auth/totp/"]["parameters"] if p["name"] == "code")
    assert code["required"] and code["schema"]["pattern"] == "^[0-9]{6,8}$"
    # Lists that come in pages say so; the rule sets are a plain list.
    page = schema["components"]["schemas"]["PaginatedCaseOutputList"]
    assert set(page["required"]) == {"count", "next", "previous", "results"}
    assert operations["GET", "/api/cases/"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedCaseOutputList"}
    rulesets = operations["GET", "/api/rulesets/"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert rulesets["type"] == "array"


def test_a_method_a_path_does_not_document_answers_405_with_the_error_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    values = {"token": "no-such-invitation", "label_id": "1", "token_id": "1", "n": "1"}
    tried = 0
    for template, operations in schema["paths"].items():
        path = re.sub(r"{(\w+)}", lambda name: values.get(name[1], str(uuid.uuid4())), template)
        for method in sorted({"get", "post", "put", "patch", "delete"} - set(operations)):
            response = getattr(api, method)(path, {}, format="json")
            tried += 1
            assert response.status_code == 405, f"{method.upper()} {template}: {response.status_code}"
            assert response.json()["error"] == "method_not_allowed", f"{method.upper()} {template}"
            assert set(response.json()) == {"error", "detail"}
            allowed = {m.strip().lower() for m in response["Allow"].split(",")}
            assert set(operations) <= allowed, f"{method.upper()} {template}: Allow {response['Allow']}"
    assert tried > 200
