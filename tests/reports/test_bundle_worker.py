"""A bundle through real workers: one is killed mid-build, the next one finishes it."""

import time
from pathlib import Path

import pytest

from evidence.reports.models import Bundle
from evidence.reports.verify import verify_packet
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import upload, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_bundle_leaves_it_unfinished_and_the_next_finishes_it(api, case, start_worker):
    for n in range(12):  # large, incompressible screenshots: rendering takes a few seconds
        upload(api, case, samples.png(1080, 2400, noise=True), name=f"Screenshot_{n:02d}.png")
    # A killed worker's job goes back to the queue once it has been unacknowledged this long.
    first = start_worker(BROKER_VISIBILITY_TIMEOUT="2")
    response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "self"}, format="json")
    bundle_id = response.json()["id"]

    def rendering():
        bundle = Bundle.objects.get(id=bundle_id)
        return bundle.status == "running" and bundle.progress >= 30

    assert wait_for(rendering, timeout=90), Bundle.objects.get(id=bundle_id).status
    first.kill()
    first.wait()
    killed = Bundle.objects.get(id=bundle_id)
    assert killed.status == "running" and not killed.packet_sha256
    progress_when_killed = killed.progress

    time.sleep(2.5)
    second = start_worker(BROKER_VISIBILITY_TIMEOUT="2")
    assert wait_for(lambda: Bundle.objects.get(id=bundle_id).status == "done", timeout=120), \
        Bundle.objects.get(id=bundle_id).error
    done = Bundle.objects.get(id=bundle_id)
    assert (done.attempt, done.progress) == (2, 100)
    assert done.progress >= progress_when_killed
    packet = get_storage().derived / f"packets/{done.packet_sha256}.zip"
    assert all(check.ok is not False for check in verify_packet(Path(packet)))
    assert not list(get_storage().tmp.glob("bundle-*")), "the killed run's scratch files were left behind"
    assert second.poll() is None, "the second worker died"
