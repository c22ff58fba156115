"""The lawyer's web pages and /api/shared/ are one surface: the same share, the same files, the same refusals.

Each test runs on both: /shared/{id}/… with a browser session and /api/shared/{id}/… with a token.
Not shared with this lawyer (or no longer: revoked, expired) is 404 everywhere; a download asked of a
view-only share is 403 `download_not_allowed`, as JSON in the API and as a page saying so on the web.
"""

import ast
import hashlib
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from evidence.accounts.models import Role
from evidence.custody.models import CustodyEvent
from evidence.sharing.models import Share
from tests.conftest import _user, client_for
from tests.sharing.conftest import share

SHARING = Path(__file__).resolve().parents[2] / "evidence" / "sharing"
# What each surface calls the case, the report, the packet and an exhibit's original.
URLS = {
    "web": {"case": "/shared/{share}/", "report": "/shared/{share}/report.pdf", "packet": "/shared/{share}/packet.zip",
            "original": "/shared/{share}/exhibits/{item}"},
    "api": {"case": "/api/shared/{share}/", "report": "/api/shared/{share}/report.pdf",
            "packet": "/api/shared/{share}/packet.zip", "original": "/api/shared/{share}/exhibits/{item}/original"},
}
LOGGED_AS = {"case": "opened", "report": "report", "packet": "packet", "original": "original"}


def _client(surface: str, user):
    if surface == "api":
        return client_for(user)
    browser = Client()
    browser.force_login(user)
    return browser


def _url(surface: str, what: str, share_id, item_id) -> str:
    return URLS[surface][what].format(share=share_id, item=item_id)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _first_item(share_id) -> str:
    return Share.objects.get(id=share_id).bundle.items[0]["id"]


def _situation(api, bundle, lawyer, situation: str):
    """(the caller, the share they ask for) in each situation where nothing is shared with them."""
    share_id = share(api, bundle, lawyer.username).json()["id"]
    if situation == "revoked":
        assert api.delete(f"/api/shares/{share_id}/").status_code == 204
        return lawyer, share_id
    if situation == "expired":
        Share.objects.filter(id=share_id).update(expires_at=timezone.now() - timedelta(seconds=1))
        return lawyer, share_id
    if situation == "another_lawyers":
        return _user("lawyer_qian", Role.LAWYER), share_id
    if situation == "the_borrowers_own":  # the owner reads their case elsewhere, never as a lawyer
        return Share.objects.get(id=share_id).created_by, share_id
    raise AssertionError(situation)


@pytest.mark.parametrize("surface", ["web", "api"])
@pytest.mark.parametrize("situation", ["another_lawyers", "revoked", "expired", "the_borrowers_own"])
def test_what_is_not_shared_with_this_lawyer_is_404_on_both_surfaces(api, bundle, lawyer, surface, situation):
    caller, share_id = _situation(api, bundle, lawyer, situation)
    client = _client(surface, caller)
    item_id = _first_item(share_id)

    for what in URLS[surface]:
        response = client.get(_url(surface, what, share_id, item_id), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, (surface, situation, what, response.status_code)
        if surface == "api":
            assert response.json() == {"error": "not_found", "detail": "Not found."}
        assert "某某贷" not in _body(response).decode("utf-8", "replace")  # not even the case's title
    assert not Share.objects.get(id=share_id).accesses.exists()  # nothing refused is logged as opened


@pytest.mark.parametrize("surface", ["web", "api"])
def test_a_view_only_share_refuses_the_download_with_403_download_not_allowed_on_both(api, bundle, lawyer, surface):
    share_id = share(api, bundle, lawyer.username, can_download=False).json()["id"]
    client = _client(surface, lawyer)
    item_id = _first_item(share_id)

    refused = client.get(_url(surface, "packet", share_id, item_id), HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 403
    if surface == "api":
        assert refused.json()["error"] == "download_not_allowed" and "did not allow" in refused.json()["detail"]
    else:
        page = refused.content.decode()
        assert refused["Content-Type"].startswith("text/html")
        assert "<h1>Downloading is not allowed</h1>" in page
        assert "shared this case with you to view only: downloads are not allowed." in page
        assert "Error code: download_not_allowed" in page and 'data-error="download_not_allowed"' in page
        assert f'href="/shared/{share_id}/report.pdf"' in page  # reading stays one click away
        assert "Read only: no packet download" in page  # the lawyer pages' share bar
    assert not Share.objects.get(id=share_id).accesses.filter(what="packet").exists()
    # Viewing is what the share allows: the case, the report and the exhibits still open.
    for what in ("case", "report", "original"):
        assert client.get(_url(surface, what, share_id, item_id)).status_code == 200, what


def test_the_refusal_page_is_in_the_lawyers_language_chinese_first(api, bundle, lawyer):
    share_id = share(api, bundle, lawyer.username, can_download=False).json()["id"]
    browser = _client("web", lawyer)

    chinese = browser.get(f"/shared/{share_id}/packet.zip")  # no Accept-Language: zh-Hans
    english = browser.get(f"/shared/{share_id}/packet.zip", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 403
    chinese, english = chinese.content.decode(), english.content.decode()
    assert '<html lang="zh-hans">' in chinese and '<html lang="en">' in english
    assert "只读：不可下载证据包" in chinese and "打开已签名的报告（PDF）" in chinese
    assert "Read only: no packet download" not in chinese and "Open the signed report (PDF)" in english
    assert "download_not_allowed" in chinese  # the code a lawyer can quote, in any language


@pytest.mark.parametrize("surface", ["web", "api"])
def test_every_opening_is_logged_the_same_on_both_surfaces(api, bundle, lawyer, surface):
    share_id = share(api, bundle, lawyer.username).json()["id"]
    client = _client(surface, lawyer)
    item_id = _first_item(share_id)

    for what in URLS[surface]:
        response = client.get(_url(surface, what, share_id, item_id), HTTP_USER_AGENT=f"LawFirm/{surface}")
        assert response.status_code == 200, (what, response.status_code)
        _body(response)

    log = api.get(f"/api/shares/{share_id}/accesses/").json()["results"]
    assert [row["what"] for row in reversed(log)] == ["opened", "report", "packet", "original"]
    assert {row["who"] for row in log} == {lawyer.username} and {row["user_agent"] for row in log} == {f"LawFirm/{surface}"}
    assert next(row for row in log if row["what"] == "original")["item"] == item_id
    actions = list(CustodyEvent.objects.filter(case_id=bundle["case"], action__startswith="share.")
                   .exclude(action="share.created").order_by("id").values_list("action", flat=True))
    assert actions == ["share.opened", "share.report", "share.packet", "share.original"]


def test_the_files_come_with_the_same_headers_and_bytes_from_both_surfaces(store, api, bundle, lawyer):
    share_id = share(api, bundle, lawyer.username).json()["id"]
    item_id = _first_item(share_id)
    clients = {surface: _client(surface, lawyer) for surface in URLS}
    headers = ("Content-Type", "Content-Disposition", "Content-Security-Policy", "Cache-Control", "ETag")

    for what, sha256 in (("report", bundle["report_sha256"]), ("packet", bundle["packet_sha256"]), ("original", None)):
        answers = {surface: clients[surface].get(_url(surface, what, share_id, item_id)) for surface in URLS}
        bodies = {surface: _body(response) for surface, response in answers.items()}
        assert {surface: response.status_code for surface, response in answers.items()} == {"web": 200, "api": 200}
        web, api_answer = answers["web"], answers["api"]
        assert [web.get(h) for h in headers] == [api_answer.get(h) for h in headers], what
        assert bodies["web"] == bodies["api"]
        if sha256:
            assert hashlib.sha256(bodies["web"]).hexdigest() == sha256
    report = clients["web"].get(_url("web", "report", share_id, item_id))
    assert "inline" in report["Content-Disposition"] and "object-src 'self'" in report["Content-Security-Policy"]
    packet = clients["web"].get(_url("web", "packet", share_id, item_id))
    assert "attachment" in packet["Content-Disposition"] and "sandbox" in packet["Content-Security-Policy"]
    original = clients["web"].get(_url("web", "original", share_id, item_id))
    assert original["Content-Type"] == "image/png" and "inline" in original["Content-Disposition"]
    assert original["ETag"].startswith('"')


def test_an_exhibit_not_in_the_bundle_is_404_on_both_surfaces(api, bundle, lawyer):
    share_id = share(api, bundle, lawyer.username).json()["id"]
    for surface in URLS:
        missing = _client(surface, lawyer).get(_url(surface, "original", share_id, uuid.uuid4()))
        assert missing.status_code == 404, surface


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _private_calls(path: Path) -> list[str]:
    """`module._name` uses: another module's private function."""
    return [f"{node.value.id}.{node.attr}" for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_")
            and not node.attr.startswith("__") and node.value.id not in ("self", "cls")]


def test_the_pages_and_the_api_share_selectors_and_services_not_each_other():
    views, api = SHARING / "views.py", SHARING / "api.py"

    assert "evidence.sharing.api" not in _imports(views)
    assert "evidence.sharing.views" not in _imports(api)
    assert _private_calls(views) == [] and _private_calls(api) == []
    for module in (SHARING / "selectors.py", SHARING / "services.py", SHARING / "downloads.py"):
        assert not any(name.startswith("rest_framework") for name in _imports(module)), module.name
    # A share's scope is read in one place (selectors.share_allows), never in a view.
    for module in (views, api):
        tree = ast.parse(module.read_text())
        assert not [node for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "can_download"]
