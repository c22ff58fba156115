import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from rest_framework.test import APIClient

from config.celery import app
from evidence.accounts.models import Role, User
from evidence.accounts.tokens import token_issue
from evidence.cases.services import case_create

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Each test stores its files in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


# The S3 API the tests use: OpenStack Swift with s3api on loopback, which scripts/services.sh starts
# (scripts/swift/s3.sh) and names in these variables.
S3_TEST = {
    "S3_ENDPOINT_URL": os.environ.get("S3_TEST_ENDPOINT_URL", "http://127.0.0.1:18080"),
    "S3_ACCESS_KEY_ID": os.environ.get("S3_TEST_ACCESS_KEY_ID", "test:tester"),
    "S3_SECRET_ACCESS_KEY": os.environ.get("S3_TEST_SECRET_ACCESS_KEY", "testing"),
    "S3_REGION": "us-east-1",
    "S3_ADDRESSING_STYLE": "path",
    "S3_PART_MB": 5,  # the smallest part S3 allows: a few MiB already go up as a multipart upload
}


@pytest.fixture
def s3(settings, media_root):
    """This test's evidence on the S3 store, in a bucket of its own (emptied afterwards: the app
    itself never deletes an original)."""
    from evidence.storage.backends import get_storage

    for name, value in S3_TEST.items():
        setattr(settings, name, value)
    settings.S3_BUCKET = f"evidence-test-{uuid.uuid4().hex[:16]}"
    storage = get_storage()
    storage.create_bucket()
    yield storage
    client = storage.client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.S3_BUCKET):
        for entry in page.get("Contents", []):
            client.delete_object(Bucket=settings.S3_BUCKET, Key=entry["Key"])
    client.delete_bucket(Bucket=settings.S3_BUCKET)


@pytest.fixture(params=["local", "s3"])
def store(request, media_root):
    """The store under test: each test using it runs on the local folder and on S3."""
    from evidence.storage.backends import get_storage

    return request.getfixturevalue("s3") if request.param == "s3" else get_storage()


@pytest.fixture(autouse=True)
def cache_namespace(settings, request):
    """Each test gets its own key prefix in the real Redis cache (throttles start at zero)."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}:{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


def _user(username: str, role: str) -> User:
    user = User(username=username, role=role, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def borrower(db) -> User:
    return _user("wang", Role.BORROWER)


@pytest.fixture
def other_borrower(db) -> User:
    return _user("li", Role.BORROWER)


@pytest.fixture
def lawyer(db) -> User:
    return _user("lawyer_zhao", Role.LAWYER)


def token_for(user: User) -> str:
    """A signed-in device's token for the user (one per user in a test, issued on first use)."""
    if not hasattr(user, "_test_token"):
        user._test_token = token_issue(user)
    return user._test_token


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def api(borrower) -> APIClient:
    return client_for(borrower)


@pytest.fixture
def case(borrower):
    return case_create(owner=borrower, title="某某贷 催收", jurisdiction="CN")


def upload(client: APIClient, case, data: bytes, name: str = "shot.png", language: str = "en", **fields):
    """POST one file to the case's evidence endpoint the way a phone does; jobs run eagerly."""
    body = {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream"), **fields}
    # The test's transaction never commits, so run the jobs queued "on commit" by hand.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/api/cases/{case.id}/evidence/", body, format="multipart", HTTP_ACCEPT_LANGUAGE=language)


def tamper_original(store, sha256: str, data: bytes | None) -> None:
    """Change (or, with None, remove) a stored original behind the app's back, as a failing disk
    or someone holding the store's keys could."""
    if hasattr(store, "original_path"):
        path = store.original_path(sha256)
        if data is None:
            path.unlink()
        else:
            path.chmod(0o640)
            path.write_bytes(data)
    elif data is None:
        store.client.delete_object(Bucket=store.bucket, Key=f"originals/{sha256}")
    else:
        store.client.put_object(Bucket=store.bucket, Key=f"originals/{sha256}", Body=data)


def stored_files(media_root: Path) -> list[Path]:
    """Every original and every leftover temporary file under the storage root."""
    return [p for folder in ("originals", "tmp") for p in (media_root / folder).rglob("*") if p.is_file()]


def run_command(name: str, capsys, *args) -> tuple[int, str]:
    """Run a management command the way a shell would: (exit code, what it printed)."""
    from django.core.management import call_command

    try:
        call_command(name, *args)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, capsys.readouterr().out


def import_export(client: APIClient, case, data: bytes, name: str = "sms.xml", language: str = "en"):
    """POST a phone export; the import job runs eagerly on commit. Returns (POST response, import)."""
    body = {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/api/cases/{case.id}/imports/", body, format="multipart", HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code != 202:
        return response, None
    with TestCase.captureOnCommitCallbacks(execute=True):
        shown = client.get(f"/api/imports/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE=language)
    return response, shown.json()


@pytest.fixture
def start_worker(media_root):
    """Start real `celery worker` processes on the real Redis broker, with this test's database and files."""
    db = connection.settings_dict
    processes = []

    def start(**extra_env) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(media_root),
            **{name: str(getattr(django_settings, name)) for name in ("S3_BUCKET", *S3_TEST)
               if django_settings.S3_BUCKET},  # the test's store, when it is S3
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_QUEUE": django_settings.CELERY_TASK_DEFAULT_QUEUE,
            **extra_env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-heartbeat",
             "--without-gossip", "--without-mingle", "-Q", django_settings.CELERY_TASK_DEFAULT_QUEUE, "-l", "WARNING"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        processes.append(process)
        return process

    app.conf.task_always_eager = False
    yield start
    app.conf.task_always_eager = True
    for process in processes:
        if process.poll() is None:
            process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)


@pytest.fixture
def worker(start_worker):
    """One real worker for the test."""
    return start_worker()


def wait_for(predicate, timeout=60.0) -> bool:
    """Poll until predicate() is true (a real worker is doing the work)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
