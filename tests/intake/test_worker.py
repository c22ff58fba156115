"""The post-upload jobs through a real Celery worker process and the real Redis broker."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import upload


@pytest.fixture
def worker(media_root):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(media_root),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-l", "WARNING"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    app.conf.task_always_eager = False
    yield process
    app.conf.task_always_eager = True
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_verifies_reads_metadata_and_makes_the_thumbnail(api, case, worker):
    body = upload(api, case, samples.jpeg_with_capture_time("2026:11:01 06:58:00")).json()

    def processed():
        item = EvidenceItem.objects.get(id=body["id"])
        return item.verification == "ok" and item.thumbnail and item.occurred_at_source == "exif"

    assert _wait_for(processed), "the worker did not finish the post-upload jobs"
    assert worker.poll() is None, "the worker died"
    assert api.get(f"/api/evidence/{body['id']}/thumbnail").status_code == 200
