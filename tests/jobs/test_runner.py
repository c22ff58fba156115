"""The one runner for long jobs (evidence.common.jobs): claim, scratch folder, retries, time limit, bar, messages.

The runner is driven in this process through a kind of job of the tests' own, on the bundle's
table, whose steps do what each test needs; imports and bundles run on the same runner (their
own behaviour is tested in tests/imports and tests/reports, a killed worker in test_killed_worker).
"""

import errno
import uuid
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import override

from config.celery import app
from evidence.common.jobs import KINDS, JobFailed, JobKind, job_kinds, job_progress, job_run, problem_text
from evidence.custody.models import CustodyEvent
from evidence.imports.models import Import
from evidence.imports.services import IMPORT_JOB
from evidence.reports.models import Bundle
from evidence.reports.services import BUNDLE_JOB
from evidence.storage.backends import get_storage
from tests.conftest import import_export
from tests.exports import sms, sms_xml

NAME = "testjob"


@pytest.fixture
def job(case, borrower) -> Bundle:
    return Bundle.objects.create(case=case, purpose="self", evidence_set_sha256="0" * 64, created_by=borrower,
                                 created_at=timezone.now())


@pytest.fixture
def kind():
    """make(*steps, **options): a kind of job of the tests' own, known to the runner until the test ends."""

    def make(*steps, **options) -> JobKind:
        return JobKind(name=NAME, model=Bundle, steps=steps, task=f"tests.jobs.run_{uuid.uuid4().hex}",
                       time_limit="BUNDLE_TIME_LIMIT", queued_since="created_at", **options)

    yield make
    KINDS.pop(NAME, None)


def scratch(job) -> Path:
    return get_storage().scratch / f"{NAME}-{job.id}"


def reload(job) -> Bundle:
    return Bundle.objects.get(id=job.id)


# --- claim ------------------------------------------------------------------------------
def test_a_job_runs_its_steps_in_order_and_ends_done(kind, job):
    seen = []
    job_run(kind(lambda run: seen.append(("one", run.attempt)), lambda run: seen.append(("two", run.attempt))), job.id)

    done = reload(job)
    assert seen == [("one", 1), ("two", 1)]
    assert (done.status, done.progress, done.attempt, done.errors) == ("done", 100, 1, [])
    assert done.started_at <= done.finished_at and done.heartbeat_at is not None


@pytest.mark.parametrize("status", ["done", "failed", "needs_mapping"])
def test_a_second_run_of_a_job_that_ended_or_waits_does_nothing(kind, job, status):
    Bundle.objects.filter(id=job.id).update(status=status, attempt=1, progress=40)
    seen = []
    job_run(kind(seen.append), job.id)

    assert seen == []
    assert (reload(job).status, reload(job).attempt, reload(job).progress) == (status, 1, 40)


def test_a_run_for_a_vanished_job_does_nothing(kind, db):
    seen = []
    job_run(kind(seen.append), uuid.uuid4())
    assert seen == [] and not Bundle.objects.exists()


def test_a_run_that_finds_the_job_running_takes_it_over_with_the_next_attempt(kind, job):
    """GIVEN the worker of attempt 3 died mid-job (the row says running)
    WHEN the job is sent again
    THEN the new run claims it as attempt 4 and finishes it, keeping the bar the dead run showed."""
    Bundle.objects.filter(id=job.id).update(status="running", attempt=3, progress=40)
    shown = []
    job_run(kind(lambda run: shown.append((run.attempt, reload(job).progress))), job.id)

    assert shown == [(4, 40)]
    assert (reload(job).status, reload(job).attempt) == ("done", 4)


def test_a_stale_run_gives_way_and_its_writes_change_nothing(kind, job):
    """GIVEN a run whose job was taken over by a newer run (its worker was thought dead)
    WHEN the old run writes its bar, finishes or fails
    THEN none of it is written, and its next steps do not run."""
    after = []

    def taken_over(run):
        run.progress(20)
        Bundle.objects.filter(id=job.id).update(attempt=F("attempt") + 1, progress=30)  # the newer run's claim
        run.progress(80)
        assert run.finish() is False

    job_run(kind(taken_over, after.append), job.id)
    newer = reload(job)
    assert (newer.status, newer.attempt, newer.progress) == ("running", 2, 30)
    assert after == []

    def stale_failure(run):
        Bundle.objects.filter(id=job.id).update(attempt=F("attempt") + 1)
        raise JobFailed("no_evidence")

    Bundle.objects.filter(id=job.id).update(status="queued")
    job_run(kind(stale_failure), job.id)
    assert (reload(job).status, reload(job).errors) == ("running", [])


# --- the scratch folder and the ladder ------------------------------------------------------
def test_the_scratch_folder_is_emptied_first_and_removed_at_the_end(kind, job):
    scratch(job).mkdir(parents=True)
    (scratch(job) / "left-by-a-killed-run").write_bytes(b"x")
    seen = []

    def step(run):
        seen.append(sorted(p.name for p in run.work_dir.iterdir()))
        (run.work_dir / "mine").write_bytes(b"y")

    job_run(kind(step), job.id)
    assert seen == [[]]
    assert not scratch(job).exists()


def test_a_step_that_cannot_go_on_fails_the_job_with_its_code(kind, job):
    told = []

    def missing(run):
        raise JobFailed("original_missing", exhibit="E-3", name="a.png")

    job_run(kind(missing, on_failed=lambda run, problem: told.append(problem)), job.id)
    failed = reload(job)
    assert (failed.status, failed.error) == ("failed", {"code": "original_missing",
                                                        "params": {"exhibit": "E-3", "name": "a.png"}})
    assert told == [failed.error] and failed.finished_at is not None


def test_a_transient_error_is_raised_for_a_retry_while_tries_are_left(kind, job):
    folders = []

    def flaky(run):
        folders.append(run.work_dir)
        (run.work_dir / "half-written").write_bytes(b"x")
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        job_run(kind(flaky), job.id, tries_left=2)
    assert (reload(job).status, reload(job).errors) == ("running", [])  # the retry claims it again
    assert not folders[0].exists()


def test_a_transient_error_after_the_last_try_ends_gave_up_with_the_reason(kind, job):
    def flaky(run):
        (run.work_dir / "half-written").write_bytes(b"x")
        raise OperationalError("server closed the connection unexpectedly")

    Bundle.objects.filter(id=job.id).update(status="running", attempt=5)
    job_run(kind(flaky), job.id, tries_left=0)
    assert (reload(job).status, reload(job).error) == (
        "failed", {"code": "gave_up", "params": {"tries": 6, "reason": "OperationalError"}})
    assert not scratch(job).exists()


def test_the_celery_task_retries_a_transient_error_then_gives_up(kind, job, monkeypatch):
    """Each retry is a new run with one try less; the last one ends the job instead of raising."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)  # so that apply() runs the retries here
    runs = []

    def flaky(run):
        runs.append(run.tries_left)
        raise OSError(errno.EIO, "Input/output error")

    made = kind(flaky)
    made.task.apply(args=[str(job.id)])
    assert runs == [5, 4, 3, 2, 1, 0]
    assert reload(job).error == {"code": "gave_up", "params": {"tries": 6, "reason": "OSError"}}


def test_a_full_disk_fails_at_once_with_storage_full(kind, job):
    def full(run):
        raise OSError(errno.ENOSPC, "No space left on device")

    job_run(kind(full), job.id, tries_left=5)
    assert reload(job).error == {"code": "storage_full", "params": {}}


def test_anything_else_is_an_internal_error_and_is_logged(kind, job, caplog):
    def bug(run):
        raise KeyError("nobody expected this")

    job_run(kind(bug), job.id, tries_left=5)
    assert reload(job).error == {"code": "internal_error", "params": {}}
    assert f"{NAME} {job.id} failed" in caplog.text and "nobody expected this" in caplog.text


# --- the time limit ----------------------------------------------------------------------
def test_each_kind_runs_under_its_own_setting(settings):
    for made, setting in ((IMPORT_JOB, "IMPORT_TIME_LIMIT"), (BUNDLE_JOB, "BUNDLE_TIME_LIMIT")):
        limit = getattr(settings, setting)
        assert (made.time_limit, made.task.soft_time_limit, made.task.time_limit) == (limit, limit, limit + 60)


def test_a_job_stopped_at_its_time_limit_fails_timed_out_naming_that_limit(kind, job, settings):
    def slow(run):
        raise SoftTimeLimitExceeded()

    job_run(kind(slow), job.id)
    assert reload(job).error == {"code": "timed_out", "params": {"limit": settings.BUNDLE_TIME_LIMIT}}
    assert not scratch(job).exists()


def test_an_import_stopped_at_its_time_limit_says_so_in_the_readers_language(api, case, settings, monkeypatch):
    def slow(*args):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("evidence.imports.services._stage", slow)
    _, job = import_export(api, case, sms_xml(sms(timezone.now(), 1, "13800138000", "还钱")))

    assert job["status"] == "failed"
    assert job["errors"][0]["code"] == "timed_out"
    assert job["errors"][0]["params"] == {"limit": settings.IMPORT_TIME_LIMIT}
    assert f"longer than {settings.IMPORT_TIME_LIMIT} seconds" in job["errors"][0]["detail"]
    shown = api.get(f"/api/imports/{job['id']}/", HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    assert f"导入超过 {settings.IMPORT_TIME_LIMIT} 秒" in shown["errors"][0]["detail"]
    assert CustodyEvent.objects.filter(action="import.failed").exists()
    assert not list(get_storage().scratch.glob("import-*"))


# --- the bar -----------------------------------------------------------------------------
def test_the_bar_never_goes_back(kind, job):
    Bundle.objects.filter(id=job.id).update(status="running", attempt=1, progress=60)  # what the dead run showed
    shown = []

    def step(run):
        for percent in (30, 70, 50, 90):
            run.progress(percent)
            shown.append(reload(job).progress)
        job_progress(Bundle, job.id, run.attempt, 10)
        shown.append(reload(job).progress)

    job_run(kind(step), job.id)
    assert shown == [60, 70, 70, 90, 90]
    assert reload(job).progress == 100


# --- the messages -------------------------------------------------------------------------
def test_problems_are_told_in_the_readers_language():
    timed_out = {"code": "timed_out", "params": {"limit": 3600}}
    with override("zh-hans"):
        assert problem_text("import", timed_out) == "导入超过 3600 秒，已停止。请拆分导出文件后重试。"
        assert problem_text("bundle", {"code": "timed_out", "params": {"limit": 600}}) == "生成证据包超过 600 秒，已停止。"
    with override("en"):
        assert problem_text("import", timed_out) == (
            "The import took longer than 3600 seconds and was stopped. Split the export and try again.")
        assert problem_text("bundle", {"code": "gave_up", "params": {"tries": 6, "reason": "OSError"}}) == (
            "The packet could not be made after 6 tries (OSError). Ask for it again later.")


def test_a_kind_without_words_of_its_own_gets_the_common_ones_and_an_unknown_code_shows_as_it_is():
    with override("en"):
        assert problem_text("ocr_backfill", {"code": "timed_out", "params": {"limit": 60}}).startswith(
            "The job took longer than 60 seconds")
        assert problem_text("import", {"code": "something_new", "params": {}}) == "something_new"
        assert problem_text("import", {"code": "gave_up", "params": {}}).startswith("The import could not finish")
        assert problem_text("bundle", None) == ""


# --- the sweeper's view ----------------------------------------------------------------------
def test_the_sweeper_knows_every_kind():
    assert {"import", "bundle"} <= {made.name for made in job_kinds()}
    assert IMPORT_JOB.model is Import and BUNDLE_JOB.model is Bundle
