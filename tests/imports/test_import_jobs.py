"""The import job through a real worker, and what happens when a worker dies mid-import.

The runner's own mechanics (claim, retries, time limit, bar) are tested in tests/jobs."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.analysis.models import Analysis
from evidence.events.models import Event
from evidence.imports.models import Import
from evidence.imports.tasks import run_import
from tests.conftest import import_export, wait_for
from tests.exports import call, calls_xml, sms, sms_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_CALLS = calls_xml(*(call(datetime(2026, 5, 1, 23, n, tzinfo=SHANGHAI), 3, "13800138000", 0) for n in range(3)))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_and_then_analyses(store, api, case, worker):
    api.post(f"/api/cases/{case.id}/labels/", {"number": "13800138000", "role": "collector"}, format="json")
    response, _ = import_export(api, case, NIGHT_CALLS, name="calls.xml")
    assert response.status_code == 202
    job_url = f"/api/imports/{response.json()['id']}/"
    assert wait_for(lambda: api.get(job_url).json()["status"] == "done"), api.get(job_url).json()

    def analysed():
        case.refresh_from_db()
        analysis = Analysis.objects.filter(case=case).first()
        return analysis is not None and analysis.revision == case.revision

    assert wait_for(analysed), "the analysis job did not run after the import"
    assert [f["rule"] for f in Analysis.objects.get(case=case).findings] == ["CN-T"]
    assert worker.poll() is None, "the worker died"


def test_a_redelivered_import_finishes_once(api, case):
    """GIVEN a worker died mid-import (the row says running, nothing was written)
    WHEN the broker delivers the job again, and then once more
    THEN the events are written exactly once and the import is done."""
    response, job = import_export(api, case, sms_xml(sms(datetime(2026, 5, 1, 9, tzinfo=SHANGHAI), 1, "1", "一")))
    Event.objects.filter(case=case).delete()
    Import.objects.filter(id=job["id"]).update(status="running", progress=37, counts={}, export_item=None)

    run_import(job["id"])
    run_import(job["id"])

    done = Import.objects.get(id=job["id"])
    assert (done.status, done.progress, done.attempt) == ("done", 100, 2)
    assert done.counts["messages"] == 1
    assert Event.objects.filter(case=case).count() == 1
