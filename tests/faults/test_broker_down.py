"""Redis unreachable for the web process: what was sent is stored, answered 2xx, and done once Redis is back."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from config.celery import app
from evidence.common.tasks import sweep_jobs
from evidence.imports.models import Import
from evidence.intake.models import EvidenceItem
from evidence.ocr.models import RecognizedText
from tests import samples
from tests.conftest import PASSWORD, upload, wait_for
from tests.exports import sms, sms_xml

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


def _reset_producers() -> None:
    app._after_fork()  # drop the pooled broker connections, so the next send connects to broker_url anew


@contextmanager
def redis_unreachable(settings):
    """This process's broker and cache point at a port nobody listens on (the worker's do not)."""
    broker, caches = app.conf.broker_url, settings.CACHES
    app.conf.broker_url = NOWHERE
    _reset_producers()
    settings.CACHES = {name: {**config, "LOCATION": NOWHERE} for name, config in caches.items()}
    try:
        yield
    finally:
        app.conf.broker_url = broker
        _reset_producers()
        settings.CACHES = caches


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_uploads_imports_and_sign_in_work_and_the_jobs_run_once_it_is_back(
        api, case, borrower, start_worker, settings):
    assert django_settings.REDIS_URL, "the suite runs against the real Redis"
    with redis_unreachable(settings):
        stored = upload(api, case, samples.png(60, 120), name="Screenshot_1.png")
        assert stored.status_code == 201, stored.content[:300]
        again = upload(api, case, samples.png(60, 120), name="Screenshot_1.png")
        assert again.status_code == 200 and again.json()["id"] == stored.json()["id"]
        imported = api.post(f"/api/cases/{case.id}/imports/",
                            {"file": SimpleUploadedFile("sms.xml", sms_xml(sms(datetime(2026, 5, 1, 23, 0, tzinfo=UTC), 1, "13800138000", "还钱")))},
                            format="multipart")
        assert imported.status_code == 202, imported.content[:300]
        signed_in = APIClient().post("/api/auth/token/", {"username": borrower.username, "password": PASSWORD},
                                     format="json")
        assert signed_in.status_code == 200, signed_in.content[:300]  # the throttle's cache is down too
    item = EvidenceItem.objects.get(id=stored.json()["id"])
    assert item.verification == "pending" and not item.thumbnail  # stored, its jobs never reached a broker
    assert Import.objects.get(id=imported.json()["id"]).status == "queued"

    start_worker()
    settings.JOB_STALE_AFTER = 0  # Redis is back: the next sweep sends what waited
    assert sweep_jobs() == {"imports": 1, "bundles": 0, "items": 1, "texts": 0}  # text is read once verified
    assert wait_for(lambda: EvidenceItem.objects.filter(id=item.id, verification="ok").exclude(thumbnail="").exists())
    assert wait_for(lambda: Import.objects.get(id=imported.json()["id"]).status == "done")
    # the export the import kept is an item too: its own checks run once it exists
    assert wait_for(lambda: not EvidenceItem.objects.filter(verification="pending").exists())
    assert wait_for(lambda: RecognizedText.objects.filter(item=item).exclude(status="pending").exists())
    assert sweep_jobs() == {"imports": 0, "bundles": 0, "items": 0, "texts": 0}  # nothing is sent again
