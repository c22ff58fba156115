"""A long job through real workers: one is killed mid-job, the sweeper sends it again, the next finishes it,
on the local folder and on S3.

The bundle is the job here: twelve large screenshots keep a real worker busy for seconds, long
enough to kill it while it renders. The solo pool does not enforce time limits; those are
tested in test_runner, by a step that hits its limit.
"""

import zipfile
from pathlib import Path

import pytest

from evidence.common.tasks import sweep_jobs
from evidence.reports.models import Bundle
from evidence.reports.services import bundle_build
from evidence.reports.verify import verify_packet
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import upload, wait_for


def _packet(bundle: Bundle, folder: Path) -> Path:
    """The bundle's stored packet, copied out of the store (either one) into `folder`."""
    path = folder / f"{bundle.packet_sha256}-{bundle.attempt}.zip"
    with get_storage().open_derived(f"packets/{bundle.packet_sha256}.zip") as stored:
        path.write_bytes(stored.read())
    return path


def _manifest(bundle: Bundle, folder: Path) -> bytes:
    with zipfile.ZipFile(_packet(bundle, folder)) as packet:
        return packet.read("manifest.json")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_it_unfinished_and_the_next_finishes_it_within_seconds(
        store, api, case, start_worker, settings, tmp_path):
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
    assert killed.status == "running" and not killed.packet_sha256 and not killed.finished_at  # never marked done
    progress_when_killed = killed.progress

    second = start_worker(HEARTBEAT_INTERVAL="1", OCR_ENGINE="none")
    assert wait_for(lambda: sweep_jobs()["bundles"] == 1, timeout=15)  # the heartbeat stopped: sent again
    assert wait_for(lambda: Bundle.objects.get(id=bundle_id).status == "done", timeout=120), \
        Bundle.objects.get(id=bundle_id).error
    done = Bundle.objects.get(id=bundle_id)
    assert (done.attempt, done.progress, done.errors) == (2, 100, [])
    assert done.progress >= progress_when_killed
    assert all(check.ok is not False for check in verify_packet(_packet(done, tmp_path)))
    assert not list(get_storage().scratch.glob("bundle-*")), "the killed run's scratch files were left behind"
    assert second.poll() is None, "the second worker died"

    # The rerun's packet is the one a run that was never interrupted makes: the same manifest.
    Bundle.objects.filter(id=bundle_id).update(status="queued")
    bundle_build(bundle_id=bundle_id)
    again = Bundle.objects.get(id=bundle_id)
    assert (again.status, again.attempt) == ("done", 3)
    assert _manifest(again, tmp_path) == _manifest(done, tmp_path)
