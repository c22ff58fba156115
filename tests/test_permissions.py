"""Every endpoint in the OpenAPI schema, called by every kind of caller.

The table below has one row per (method, path) of the schema; a new endpoint without a row fails
`test_every_endpoint_in_the_schema_has_a_row`. Each row says what each role gets. Anyone who may
not see a thing gets 404 (401 without credentials), and no refused answer, nor any list that comes
back empty for them, carries the case's title, the owner's name or a hash of the owner's evidence.
"""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from evidence.accounts.models import Role
from evidence.sharing.models import Share
from tests import samples
from tests.conftest import _user, client_for, import_export, upload
from tests.exports import sms, sms_xml

ROLES = ["other_borrower", "lawyer_shared", "lawyer_unshared", "lawyer_revoked", "lawyer_expired", "invitee",
         "anonymous", "owner"]  # the owner last: their writes and deletes must not change what others got
SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL = {"number": "13800138000", "direction": "missed", "started_at": "2026-05-01T23:00:00+08:00"}
MESSAGE = {"channel": "sms", "direction": "in", "address": "13800138000", "body": "还钱", "sent_at": "2026-05-01T23:00"}
THIRD_PARTY = {"name": "母亲", "relation": "relative", "contacted_at": "2026-05-02T09:00", "channel": "call"}


def in_days(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


@pytest.fixture
def world(api, borrower, case, other_borrower):
    """The owner's case with everything in it, and one person of each role around it."""
    item = upload(api, case, samples.png(), name="秘密截图.png").json()
    from evidence.ocr.models import RecognizedText

    RecognizedText.objects.update_or_create(item_id=item["id"], defaults={
        "case": case, "status": "done", "content": "再不还钱就通知你家人",
        "passages": [{"n": 1, "side": "theirs", "text": "再不还钱就通知你家人", "time": "22:41", "lines": [0],
                      "box": [0, 0, 10, 10]}]})
    export = sms_xml(sms(datetime(2026, 5, 1, 22, 30, tzinfo=SHANGHAI), 1, "13800138000", "逾期"))
    _, job = import_export(api, case, export)
    label = api.post(f"/api/cases/{case.id}/labels/", {"number": "13900139000", "role": "collector"}, format="json")
    third = api.post(f"/api/cases/{case.id}/third-parties/", THIRD_PARTY, format="json")
    with TestCase.captureOnCommitCallbacks(execute=True):
        bundle = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer"}, format="json").json()
    people = {"owner": borrower, "other_borrower": other_borrower}
    shares = {}
    for role in ("lawyer_shared", "lawyer_revoked", "lawyer_expired"):
        people[role] = _user(role, Role.LAWYER)
        shares[role] = api.post(f"/api/bundles/{bundle['id']}/shares/", {"lawyer": role, "expires_at": in_days(5)},
                                format="json").json()["id"]
    people["lawyer_unshared"] = _user("lawyer_unshared", Role.LAWYER)
    api.delete(f"/api/shares/{shares['lawyer_revoked']}/")
    Share.objects.filter(id=shares["lawyer_expired"]).update(expires_at=timezone.now() - timedelta(minutes=1))

    invited = api.post(f"/api/cases/{case.id}/invitees/", {"name": "母亲", "relation": "relative",
                                                           "expires_at": in_days(5)}, format="json").json()
    token = invited["invite_url"].rstrip("/").rsplit("/", 1)[1]
    Client().post(f"/api/invitations/{token}/accept/", {"username": "mum", "password": "correct horse battery staple"},
                  content_type="application/json")
    from evidence.accounts.models import User

    people["invitee"] = User.objects.get(username="mum")
    mums = client_for(people["invitee"]).post(
        f"/api/contributions/{invited['id']}/evidence/", {"file": SimpleUploadedFile("mum.jpg", samples.jpeg())},
        format="multipart").json()
    submission = api.post(f"/api/bundles/{bundle['id']}/submissions/",
                          {"authority": "cn-12378", "channel": "hotline", "reference": "SECRET-REF-1"},
                          format="json").json()
    return {
        "case": case, "item": item, "import": job["id"], "label": label.json()["id"], "third": third.json()["id"],
        "bundle": bundle["id"], "shares": shares, "invitee": invited["id"], "mums_item": mums["id"],
        "submission": submission["id"], "people": people, "spare_token": _spare_token(borrower),
        "secrets": [case.title, item["sha256"], "SECRET-REF-1"],
    }


def _spare_token(user) -> int:
    """The id of a second signed-in device of the owner's, for signing out."""
    from evidence.accounts.models import ApiToken
    from evidence.accounts.tokens import token_issue

    token_issue(user)
    return ApiToken.objects.filter(user=user).order_by("-id").values_list("id", flat=True).first()


def everyone_but(owner_status: int, **others) -> dict:
    """The owner gets owner_status; anonymous 401; everyone else 404 unless named."""
    wanted = {role: 404 for role in ROLES}
    wanted.update(owner=owner_status, anonymous=401, **others)
    return wanted


def signed_in(status: int, **others) -> dict:
    """Anyone signed in gets status (their own data); anonymous 401."""
    wanted = {role: status for role in ROLES}
    wanted.update(anonymous=401, **others)
    return wanted


def public(status: int) -> dict:
    return {role: status for role in ROLES}


def rows(w) -> list[tuple]:
    """(method, schema path, concrete path or role -> path, body, {role: status}), destructive ones last."""
    case, bundle, shares = w["case"].id, w["bundle"], w["shares"]

    def shared(suffix=""):
        # A lawyer after revocation or expiry asks for *their own* share; everyone else for the live one.
        return lambda role: f"/api/shared/{shares.get(role, shares['lawyer_shared'])}/{suffix}"

    lawyer_ok = {"lawyer_shared": 200}
    return [
        ("post", "/api/auth/token/", "/api/auth/token/", "bad_login", public(400)),
        ("post", "/api/auth/signup/", "/api/auth/signup/", "sign_up", public(201)),
        ("get", "/api/auth/me/", "/api/auth/me/", None, signed_in(200)),
        ("get", "/api/auth/tokens/", "/api/auth/tokens/", None, signed_in(200)),
        ("get", "/api/auth/totp/", "/api/auth/totp/", None, signed_in(200)),
        ("post", "/api/auth/totp/confirm/", "/api/auth/totp/confirm/", {"code": "000000"}, signed_in(400)),
        ("get", "/api/cases/", "/api/cases/", None, signed_in(200)),
        ("post", "/api/cases/", "/api/cases/", {"title": "新案子", "jurisdiction": "CN"},
         signed_in(201, **{r: 403 for r in ROLES if r.startswith("lawyer") or r == "invitee"})),
        ("get", "/api/cases/{case_id}/", f"/api/cases/{case}/", None, everyone_but(200)),
        ("get", "/api/cases/{case_id}/evidence/", f"/api/cases/{case}/evidence/", None, everyone_but(200)),
        ("post", "/api/cases/{case_id}/evidence/", f"/api/cases/{case}/evidence/", "upload", everyone_but(201)),
        ("get", "/api/evidence/{item_id}/", f"/api/evidence/{w['item']['id']}/", None, everyone_but(200)),
        ("patch", "/api/evidence/{item_id}/", f"/api/evidence/{w['item']['id']}/", {"purpose": "证明催收方夜间来电"},
         everyone_but(200)),
        # Only the case's owner reviews what was read from a picture; a shared lawyer sees it, never edits it.
        ("post", "/api/evidence/{item_id}/text/passages/{n}/", f"/api/evidence/{w['item']['id']}/text/passages/1/",
         {"review": "confirmed"}, everyone_but(200)),
        ("get", "/api/evidence/{item_id}/original", f"/api/evidence/{w['item']['id']}/original", None,
         everyone_but(200)),
        ("get", "/api/evidence/{item_id}/thumbnail", f"/api/evidence/{w['item']['id']}/thumbnail", None,
         everyone_but(200)),
        ("get", "/api/cases/{case_id}/imports/", f"/api/cases/{case}/imports/", None, everyone_but(200)),
        ("post", "/api/cases/{case_id}/imports/", f"/api/cases/{case}/imports/", "import", everyone_but(202)),
        ("get", "/api/imports/{import_id}/", f"/api/imports/{w['import']}/", None, everyone_but(200)),
        ("post", "/api/imports/{import_id}/mapping/", f"/api/imports/{w['import']}/mapping/",
         {"mapping": {"time": "时间", "direction": "类型", "number": "号码"}}, everyone_but(409)),
        ("post", "/api/cases/{case_id}/calls/", f"/api/cases/{case}/calls/", CALL, everyone_but(201)),
        ("post", "/api/cases/{case_id}/messages/", f"/api/cases/{case}/messages/", MESSAGE, everyone_but(201)),
        ("get", "/api/cases/{case_id}/timeline/", f"/api/cases/{case}/timeline/", None, everyone_but(200)),
        ("get", "/api/cases/{case_id}/numbers/", f"/api/cases/{case}/numbers/", None, everyone_but(200)),
        # A lawyer searches a case through their open share; revoked, expired or no share: 404.
        ("get", "/api/cases/{case_id}/search/", f"/api/cases/{case}/search/?q=逾期", None,
         everyone_but(200, lawyer_shared=200)),
        ("get", "/api/cases/{case_id}/labels/", f"/api/cases/{case}/labels/", None, everyone_but(200)),
        ("post", "/api/cases/{case_id}/labels/", f"/api/cases/{case}/labels/",
         {"number": "13700137000", "role": "collector"}, everyone_but(201)),
        ("get", "/api/cases/{case_id}/third-parties/", f"/api/cases/{case}/third-parties/", None, everyone_but(200)),
        ("post", "/api/cases/{case_id}/third-parties/", f"/api/cases/{case}/third-parties/", THIRD_PARTY,
         everyone_but(201)),
        ("get", "/api/cases/{case_id}/findings/", f"/api/cases/{case}/findings/", None, everyone_but(200)),
        ("get", "/api/cases/{case_id}/charts/", f"/api/cases/{case}/charts/", None, everyone_but(200)),
        ("get", "/api/cases/{case_id}/analysis/", f"/api/cases/{case}/analysis/", None, everyone_but(200)),
        ("get", "/api/rulesets/", "/api/rulesets/", None, signed_in(200)),
        ("get", "/api/cases/{case_id}/bundles/", f"/api/cases/{case}/bundles/", None, everyone_but(200)),
        ("get", "/api/bundles/{bundle_id}/", f"/api/bundles/{bundle}/", None, everyone_but(200)),
        ("get", "/api/bundles/{bundle_id}/report.pdf", f"/api/bundles/{bundle}/report.pdf", None, everyone_but(200)),
        ("get", "/api/bundles/{bundle_id}/packet.zip", f"/api/bundles/{bundle}/packet.zip", None, everyone_but(200)),
        ("post", "/api/packets/verify/", "/api/packets/verify/", "packet", signed_in(200)),
        ("get", "/api/verify/ca/", "/api/verify/ca/", None, public(200)),
        ("get", "/api/meta/", "/api/meta/", None, public(200)),
        ("get", "/api/bundles/{bundle_id}/shares/", f"/api/bundles/{bundle}/shares/", None, everyone_but(200)),
        ("get", "/api/shares/{share_id}/", f"/api/shares/{shares['lawyer_shared']}/", None, everyone_but(200)),
        ("get", "/api/shares/{share_id}/accesses/", f"/api/shares/{shares['lawyer_shared']}/accesses/", None,
         everyone_but(200)),
        ("get", "/api/shared/", "/api/shared/", None, signed_in(200)),
        ("get", "/api/shared/{share_id}/", shared(), None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/shared/{share_id}/report.pdf", shared("report.pdf"), None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/shared/{share_id}/packet.zip", shared("packet.zip"), None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/shared/{share_id}/timeline/", shared("timeline/"), None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/shared/{share_id}/findings/", shared("findings/"), None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/shared/{share_id}/exhibits/", shared("exhibits/"), None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/shared/{share_id}/exhibits/{item_id}/original", shared(f"exhibits/{w['item']['id']}/original"),
         None, everyone_but(404, **lawyer_ok)),
        ("get", "/api/cases/{case_id}/invitees/", f"/api/cases/{case}/invitees/", None, everyone_but(200)),
        ("post", "/api/cases/{case_id}/invitees/", f"/api/cases/{case}/invitees/",
         {"name": "同事", "relation": "colleague", "expires_at": in_days(3)}, everyone_but(201)),
        ("get", "/api/contributions/", "/api/contributions/", None, signed_in(200)),
        ("get", "/api/contributions/{invitee_id}/evidence/", f"/api/contributions/{w['invitee']}/evidence/", None,
         everyone_but(404, invitee=200)),
        ("post", "/api/contributions/{invitee_id}/evidence/", f"/api/contributions/{w['invitee']}/evidence/",
         "upload", everyone_but(404, invitee=201)),
        ("get", "/api/invitations/{token}/", "/api/invitations/not-a-token/", None, public(404)),
        ("post", "/api/invitations/{token}/accept/", "/api/invitations/not-a-token/accept/",
         {"username": "newcomer", "password": "correct horse battery staple"}, public(404)),
        ("get", "/api/bundles/{bundle_id}/submissions/", f"/api/bundles/{bundle}/submissions/", None,
         everyone_but(200)),
        ("post", "/api/bundles/{bundle_id}/submissions/", f"/api/bundles/{bundle}/submissions/",
         {"authority": "cn-police", "channel": "in_person"}, everyone_but(201)),
        ("get", "/api/cases/{case_id}/submissions/", f"/api/cases/{case}/submissions/", None, everyone_but(200)),
        ("get", "/api/submissions/{submission_id}/", f"/api/submissions/{w['submission']}/", None, everyone_but(200)),
        ("post", "/api/submissions/{submission_id}/updates/", f"/api/submissions/{w['submission']}/updates/",
         {"status": "acknowledged", "note": "已受理"}, everyone_but(201)),
        # Destructive last: the owner's deletes would otherwise change what later rows see.
        ("post", "/api/auth/totp/", "/api/auth/totp/", None, signed_in(201)),
        ("delete", "/api/auth/totp/", "/api/auth/totp/", {"code": "000000"}, signed_in(400)),
        ("post", "/api/cases/{case_id}/bundles/", f"/api/cases/{case}/bundles/", {"purpose": "self"},
         everyone_but(202)),
        ("post", "/api/bundles/{bundle_id}/shares/", f"/api/bundles/{bundle}/shares/",
         {"lawyer": "lawyer_unshared", "expires_at": in_days(2)}, everyone_but(201)),
        ("delete", "/api/cases/{case_id}/labels/{label_id}/", f"/api/cases/{case}/labels/{w['label']}/", None,
         everyone_but(204)),
        ("delete", "/api/cases/{case_id}/third-parties/{contact_id}/", f"/api/cases/{case}/third-parties/{w['third']}/",
         None, everyone_but(204)),
        ("delete", "/api/invitees/{invitee_id}/", f"/api/invitees/{w['invitee']}/", None, everyone_but(204)),
        ("delete", "/api/shares/{share_id}/", f"/api/shares/{shares['lawyer_shared']}/", None, everyone_but(204)),
        ("delete", "/api/auth/tokens/{token_id}/", f"/api/auth/tokens/{w['spare_token']}/", None, everyone_but(204)),
    ]


def _client(world, role):
    return client_for(None if role == "anonymous" else world["people"][role])


FRESH = itertools.count(20)


def _call(client, method, path, body, role):
    if body == "upload":  # new bytes every time: the same bytes twice would be a duplicate (200)
        return client.post(path, {"file": SimpleUploadedFile("x.png", samples.png(next(FRESH), 20))},
                           format="multipart")
    if body == "sign_up":  # a new account of one's own: nobody else's data in it
        return client.post(path, {"username": f"new-{role}", "password": "correct horse battery staple"},
                           format="json")
    if body == "bad_login":  # one user name per caller, so the failed-login throttle stays out of it
        return client.post(path, {"username": f"nobody-{role}", "password": "x"}, format="json")
    if body == "import":
        export = sms_xml(sms(datetime(2026, 5, 2, 8, 0, tzinfo=SHANGHAI), 1, "10690000", "还款"))
        return client.post(path, {"file": SimpleUploadedFile("sms.xml", export)}, format="multipart")
    if body == "packet":
        return client.post(path, {"file": SimpleUploadedFile("p.zip", b"PK\x05\x06" + bytes(18))}, format="multipart")
    if isinstance(body, dict):
        return getattr(client, method)(path, body, format="json")
    return getattr(client, method)(path)


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("utf-8", "replace")


def test_every_endpoint_in_the_schema_has_a_row(world, api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    in_schema = {(method, path) for path, ops in schema["paths"].items() for method in ops
                 if method in ("get", "post", "put", "patch", "delete")}
    in_table = {(method, path) for method, path, *_ in rows(world)}

    assert in_schema - in_table == set(), "endpoints without a row in the permission table"
    assert in_table - in_schema == set(), "rows for endpoints the schema does not have"


def test_every_role_on_every_endpoint_gets_what_it_should_and_nothing_more(world):
    failures = []
    for method, template, path, body, wanted in rows(world):
        for role in ROLES:
            concrete = path(role) if callable(path) else path
            response = _call(_client(world, role), method, concrete, body, role)
            if response.status_code != wanted[role]:
                failures.append(f"{role} {method.upper()} {concrete}: {response.status_code}, wanted {wanted[role]}")
                continue
            allowed_to_see = role == "owner" or (role == "lawyer_shared" and template.startswith("/api/shared/")) \
                or (role == "invitee" and template.startswith("/api/contributions/"))
            if not allowed_to_see:
                text = _text(response)
                leaked = [secret for secret in world["secrets"] if secret in text]
                if leaked:
                    failures.append(f"{role} {method.upper()} {concrete}: body shows {leaked}")
    assert failures == [], "\n".join(failures)
