"""A full disk under the stored files: clear 507s, /healthz says so, a bundle ends failed, nothing half-kept."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from evidence.intake.models import EvidenceItem
from evidence.reports.models import Bundle
from tests import samples
from tests.conftest import stored_files, upload


@pytest.fixture
def small_disk(tmp_path, settings):
    """MEDIA_ROOT on a real 3 MiB file system (tmpfs), so writes fail with ENOSPC as on a full disk."""
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    settings.MEDIA_ROOT = mount / "files"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path) -> None:
    """Take every byte that is left."""
    with open(mount / "filler", "wb") as filler:
        try:
            while True:
                filler.write(bytes(64 << 10))
                filler.flush()
        except OSError:
            pass


def _deleted_descriptors(mount: Path) -> list[str]:
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(mount)) and target.endswith("(deleted)"):
            held.append(target)
    return held


def test_an_upload_that_does_not_fit_is_a_507_in_the_users_language_and_keeps_nothing(api, case, small_disk):
    big = samples.png(1200, 1600, noise=True)  # about 5.5 MiB: more than the disk holds
    assert len(big) > 3 << 20
    response = upload(api, case, big, name="Screenshot_big.png", language="zh-Hans")
    assert response.status_code == 507, response.content[:300]
    assert response.json()["error"] == "storage_full" and "没有空间" in response.json()["detail"]
    assert not EvidenceItem.objects.exists()
    assert stored_files(small_disk / "files") == []  # no original, no temp file left behind

    exported = api.post(f"/api/cases/{case.id}/imports/", {"file": SimpleUploadedFile("sms.xml", big)},
                        format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert exported.status_code == 507 and "no room left" in exported.json()["detail"]


def test_healthz_says_when_space_runs_low(client, db, small_disk, settings):
    settings.STORAGE_MIN_FREE_MB = 8
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("low: ") and "MiB free" in response.json()["storage"]
    settings.STORAGE_MIN_FREE_MB = 1
    assert client.get("/healthz").json()["storage"] == "ok"


def test_a_bundle_on_a_full_disk_ends_failed_with_a_clear_error_and_lets_go_of_its_files(api, case, small_disk):
    upload(api, case, samples.png(60, 120), name="Screenshot_1.png")
    _fill(small_disk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer"}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 202
    bundle = Bundle.objects.get(id=created.json()["id"])
    assert bundle.status == "failed" and bundle.error["code"] == "storage_full"
    shown = api.get(f"/api/bundles/{bundle.id}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "ran out of disk space" in shown["error"]
    assert _deleted_descriptors(small_disk) == []
    assert not list((small_disk / "files" / "tmp").glob("bundle-*"))
