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
