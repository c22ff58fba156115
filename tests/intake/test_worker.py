"""The post-upload jobs through a real Celery worker process and the real Redis broker."""

import pytest

from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import upload, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_verifies_reads_metadata_and_makes_the_thumbnail(api, case, worker):
    body = upload(api, case, samples.jpeg_with_capture_time("2026:11:01 06:58:00")).json()

    def processed():
        item = EvidenceItem.objects.get(id=body["id"])
        return item.verification == "ok" and item.thumbnail and item.occurred_at_source == "exif"

    assert wait_for(processed), "the worker did not finish the post-upload jobs"
    assert worker.poll() is None, "the worker died"
    assert api.get(f"/api/evidence/{body['id']}/thumbnail").status_code == 200
