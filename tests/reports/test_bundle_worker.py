"""A bundle through real workers: one is killed mid-build, the next one finishes it."""

from pathlib import Path

import pytest

from evidence.common.tasks import sweep_jobs
from evidence.reports.models import Bundle
from evidence.reports.verify import verify_packet
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import upload, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_bundle_leaves_it_unfinished_and_the_next_finishes_it_within_seconds(
        api, case, start_worker, settings):
    for n in range(12):  # large, incompressible screenshots: rendering takes a few seconds
        upload(api, case, samples.png(1080, 2400, noise=True), name=f"Screenshot_{n:02d}.png")
    # The broker would hand a killed worker's job to another only after its visibility timeout
    # (two hours by default); the job's heartbeat tells the sweeper much sooner.
    # Reading the text of 12 noise pictures would keep the worker busy before it reaches the bundle.
    first = start_worker(HEARTBEAT_INTERVAL="1", OCR_ENGINE="none")
    response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "self"}, format="json")
    bundle_id = response.json()["id"]

    def rendering():
        bundle = Bundle.objects.get(id=bundle_id)
        return bundle.status == "running" and bundle.progress >= 30

    assert wait_for(rendering, timeout=90), Bundle.objects.get(id=bundle_id).status
    settings.JOB_STALE_AFTER = 4
    assert sweep_jobs()["bundles"] == 0  # alive: its heartbeat is fresh
    first.kill()
    first.wait()
    killed = Bundle.objects.get(id=bundle_id)
    assert killed.status == "running" and not killed.packet_sha256
    progress_when_killed = killed.progress

    second = start_worker(HEARTBEAT_INTERVAL="1", OCR_ENGINE="none")
    assert wait_for(lambda: sweep_jobs()["bundles"] == 1, timeout=15)  # the heartbeat stopped: sent again
    assert wait_for(lambda: Bundle.objects.get(id=bundle_id).status == "done", timeout=120), \
        Bundle.objects.get(id=bundle_id).error
    done = Bundle.objects.get(id=bundle_id)
    assert (done.attempt, done.progress) == (2, 100)
    assert done.progress >= progress_when_killed
    packet = get_storage().derived / f"packets/{done.packet_sha256}.zip"
    assert all(check.ok is not False for check in verify_packet(Path(packet)))
    assert not list(get_storage().tmp.glob("bundle-*")), "the killed run's scratch files were left behind"
    assert second.poll() is None, "the second worker died"
