import email
import logging
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import TestCase
from django.utils import timezone

from tests import samples
from tests.conftest import upload


class Inbox:
    """What a real SMTP server on 127.0.0.1 received: parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content)
        self.messages.append({"to": envelope.rcpt_tos, "subject": str(email.header.make_header(
            email.header.decode_header(message["Subject"]))), "body": _body(message)})
        return "250 OK"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]


def _body(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) that the project's SMTP backend talks to."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


def make_bundle(api, case):
    """A finished bundle of the case as it is now (the build runs eagerly on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer", "language": "en"}, format="json")
    assert response.status_code == 202, response.json()
    bundle = api.get(f"/api/bundles/{response.json()['id']}/").json()
    assert bundle["status"] == "done", bundle
    return bundle


@pytest.fixture
def bundle(api, case):
    upload(api, case, samples.png(80, 160, noise=True), name="催收短信.png")
    api.post(f"/api/cases/{case.id}/calls/", {"number": "13800138000", "direction": "missed",
                                              "started_at": "2026-05-01T23:10:00+08:00"}, format="json")
    return make_bundle(api, case)


def in_days(days: float):
    return (timezone.now() + timedelta(days=days)).isoformat()


def share(api, bundle, who, **extra):
    body = {"lawyer": who, "expires_at": in_days(7), **extra}
    return api.post(f"/api/bundles/{bundle['id']}/shares/", body, format="json")
