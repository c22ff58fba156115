"""Long jobs (an import, a bundle, …): one model, one runner, one way to send them.

The row. Job is the abstract model under every long job: its status, a bar that never goes
back, the attempt that holds it, what made it fail (`errors`, [{code, params}], the text
chosen only when it is shown), when it started and finished, and its heartbeat.

A kind. JobKind is what one kind of job has of its own: its model, its steps, the setting that
limits its time, and the name of its Celery task. The kind makes that task itself, so a service
sends its own kind's task (IMPORT_JOB.send(id)) and no service imports a tasks module: the app's
tasks.py only names the task, for the worker to find it, and imports the service. That is the
one direction, tasks → services → jobs, so no import inside a function breaks a cycle. The
kind's problem codes get their texts from messages_register, in the module that words them.
A new long job (an OCR backfill, a re-analysis) is a model on Job, a list of steps and a JobKind.

The run. job_run(kind, id) takes the job for a new attempt, runs its steps in a scratch folder
while the row is still its own, and ends it in one place:
- a step raises JobFailed(code, …): failed with that code, as the kind's messages word it;
- the time limit (the kind's setting, the task's soft limit and the `limit` in the message are
  the same number): failed `timed_out`;
- a transient error (the disk, the database): failed `storage_full` for a full disk, `gave_up`
  after the last retry, else raised again so that Celery retries the job;
- anything else: failed `internal_error`, logged.
Every write a run makes is fenced by its attempt: a run the job was taken from (its worker
stopped beating and the sweeper sent the job again) changes nothing any more.

Sending. A job is sent after its transaction commits: the row is stored by then, so a broker
that cannot be reached must not turn the answer into a 500. The send is given up after a short
retry, logged, and the sweeper (evidence.common.tasks.sweep_jobs, every SWEEP_INTERVAL seconds)
sends again every job that is still waiting for a worker.
"""

import functools
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from kombu import exceptions as kombu_exceptions

from evidence.common.errors import storage_full
from evidence.common.heartbeat import heartbeat
from evidence.storage.backends import get_storage

try:  # the embedded setup has no Redis client errors to catch
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = kombu_exceptions.OperationalError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (kombu_exceptions.OperationalError, RedisError, ConnectionError, OSError)
# Give up quickly: the request is waiting, and the sweeper sends it again later.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Worth another try later: the disk or the database failed under the job, not the job itself.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)
MAX_RETRIES = 5
# Seconds between the soft limit (the job stops and says why) and the hard one (the worker is killed).
TIME_LIMIT_GRACE = 60


# --- sending --------------------------------------------------------------------------
def job_send(task, *args: str) -> bool:
    """Queue task(*args); False (logged) when the broker cannot be reached."""
    if current_app.conf.task_always_eager:  # tests and scripts: run here, and let failures show
        task.apply(args=args, throw=True)
        return True
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS as error:
        logger.warning("could not queue %s%s (%s: %s); the sweeper will send it again",
                       task.name, args, type(error).__name__, error)
        return False
    return True


def job_send_on_commit(task, *args: str) -> None:
    """Queue task(*args) once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: job_send(task, *args))


# --- the row --------------------------------------------------------------------------
class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def job_statuses(name: str, module: str, **waiting: tuple) -> type[models.TextChoices]:
    """JobStatus and a kind's own waiting states, e.g. NEEDS_MAPPING=("needs_mapping", _("…")).

    A job in a waiting state is not run (job_run claims only queued and running jobs); whoever
    ends the wait queues it again.
    """
    members = [(status.name, (status.value, status.label)) for status in JobStatus]
    members[2:2] = waiting.items()  # between running and the ends, in the order a job goes
    return models.TextChoices(name, members, module=module)


class Job(models.Model):
    """What every long job's row has; the runner reads and writes only these fields."""

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0–100; it never goes back, not even on a retry.")
    attempt = models.PositiveIntegerField(default=0, help_text="Each run claims the next; a stale run gives way.")
    errors = models.JSONField(default=list, blank=True, help_text="Why it failed: [{code, params}].")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Written every HEARTBEAT_INTERVAL seconds by the run at work.")

    class Meta:
        abstract = True

    @property
    def error(self) -> dict | None:
        """What made the job fail, {code, params}; None unless it failed."""
        return self.errors[0] if self.errors else None


# --- what went wrong, in words --------------------------------------------------------
# The codes the runner itself ends a job with. A kind may word any of them its own way (an
# import can say "split the export"); these are for a kind that does not.
COMMON_MESSAGES = {
    "timed_out": _("The job took longer than %(limit)s seconds and was stopped. Try again with less at once."),
    "internal_error": _("The job failed because of a fault on the server; it has been logged. Try again later."),
    "storage_full": _("The server ran out of disk space during the job. Nothing was kept; try again once the "
                      "person who runs the server has freed space."),
    "gave_up": _("The job could not finish after %(tries)s tries (%(reason)s). Try again later."),
}
_MESSAGES: dict[str, dict] = {}


def messages_register(kind: str, messages: dict) -> None:
    """Give a kind's problem codes their texts (lazy translations, %(name)s for their params)."""
    _MESSAGES.setdefault(kind, {}).update(messages)


def problem_text(kind: str, problem: dict | None) -> str:
    """The message for a stored {code, params} of a kind's job, in the active language; "" for none."""
    if not problem:
        return ""
    code = problem.get("code", "")
    template = _MESSAGES.get(kind, {}).get(code) or COMMON_MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % problem.get("params", {})
    except (KeyError, TypeError, ValueError):  # a record older than its message's parameters
        return str(template)


class JobFailed(Exception):
    """The job cannot be done, for a reason the user is told: it ends failed with this code."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code, self.params = code, params

    def as_problem(self) -> dict:
        return {"code": self.code, "params": self.params}


# --- a kind of job --------------------------------------------------------------------
KINDS: dict[str, "JobKind"] = {}
Step = Callable[["JobRun"], None]


class JobKind:
    """One kind of long job, made known to the runner and the sweeper.

    name: "import"; its scratch folder is tmp/import-<id>, its messages are registered under it.
    steps: run in order, each given the JobRun; the job is done after the last one (a step may
        finish it earlier with run.finish, to write its results in its own transaction).
    task: the Celery task's name, e.g. "evidence.imports.tasks.run_import".
    time_limit: the setting with the seconds a run may take (the task's soft limit and the
        limit a timed-out job's message names).
    queued_since: the model's field that says since when a queued job has waited, for the sweeper.
    on_failed(run, problem): what else the kind does once a run has marked the job failed.
    """

    def __init__(self, *, name: str, model: type[Job], steps: Sequence[Step], task: str, time_limit: str,
                 queued_since: str, on_failed: Callable[["JobRun", dict], None] | None = None,
                 select_related: Sequence[str] = (), description: str = ""):
        self.name, self.model, self.steps = name, model, tuple(steps)
        self.time_limit_setting, self.queued_since = time_limit, queued_since
        self.on_failed, self.select_related = on_failed, tuple(select_related)
        self.task = self._task(task, description)
        KINDS[name] = self

    def __repr__(self):
        return f"<JobKind {self.name}>"

    @property
    def time_limit(self) -> int:
        return getattr(settings, self.time_limit_setting)

    def _task(self, name: str, description: str):
        kind = self

        def run(task, job_id: str) -> None:
            job_run(kind, job_id, tries_left=task.max_retries - task.request.retries)

        run.__module__, _dot, run.__name__ = name.rpartition(".")
        run.__qualname__, run.__doc__ = run.__name__, description
        return shared_task(
            run, name=name, bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, retry_backoff_max=300,
            retry_jitter=True, max_retries=MAX_RETRIES,
            soft_time_limit=self.time_limit, time_limit=self.time_limit + TIME_LIMIT_GRACE,
        )

    def send(self, job_id) -> bool:
        """Queue a run of the job now; False (logged) if the broker cannot be reached."""
        return job_send(self.task, str(job_id))

    def stale(self, before):
        """Jobs waiting for a worker since before: queued and not picked up, or running on a worker
        whose heartbeat stopped (it died)."""
        queued = Q(status=JobStatus.QUEUED, **{f"{self.queued_since}__lt": before}) & (
            Q(started_at__isnull=True) | Q(started_at__lt=before))
        return self.model.objects.filter(queued | Q(status=JobStatus.RUNNING, heartbeat_at__lt=before))


def job_kinds() -> list[JobKind]:
    """Every kind of job. Each app's tasks module imports the module that makes its kinds."""
    _discover_kinds()
    return list(KINDS.values())


@functools.cache
def _discover_kinds() -> None:
    autodiscover_modules("tasks")


# --- a run ----------------------------------------------------------------------------
def job_progress(model: type[Job], pk, attempt: int, percent: float) -> None:
    """Move the job's bar forward to percent, if that attempt still holds it; never back."""
    model.objects.filter(pk=pk, attempt=attempt).update(progress=Greatest("progress", Value(int(percent))))


class JobRun:
    """One run of a job, holding its row by attempt: what each step is given."""

    def __init__(self, kind: JobKind, job: Job, tries_left: int):
        self.kind, self.job, self.attempt, self.tries_left = kind, job, job.attempt, tries_left
        self.work_dir: Path | None = None  # the run's scratch folder, emptied first, removed at the end
        self.state = SimpleNamespace()  # what one step leaves for the next
        self.ended = False
        self._shown = job.progress

    def _mine(self):
        """The row, while this run holds it: every write goes through here."""
        return self.kind.model.objects.filter(pk=self.job.pk, attempt=self.attempt, status=JobStatus.RUNNING)

    def holds(self, *, lock: bool = False) -> bool:
        """Whether the job is still this run's; lock (inside a transaction): and keep it so until it commits."""
        rows = self._mine().select_for_update() if lock else self._mine()
        return bool(list(rows.values_list("pk", flat=True)))

    def progress(self, percent: float) -> None:
        """Show percent (0–100) on the bar: written only once past what any run showed."""
        percent = int(min(max(percent, 0), 100))
        if percent > self._shown:
            job_progress(self.kind.model, self.job.pk, self.attempt, percent)
            self._shown = percent

    def finish(self, **fields) -> bool:
        """Mark the job done, writing fields with it; False if a newer run took it over."""
        self.ended = True
        return bool(self._mine().update(status=JobStatus.DONE, progress=100, errors=[], finished_at=timezone.now(),
                                        **fields))

    def pause(self, status: str, **fields) -> bool:
        """Leave the job in one of its kind's waiting states (see job_statuses); the steps stop here."""
        self.ended = True
        return bool(self._mine().update(status=status, **fields))

    def fail(self, code: str, **params) -> None:
        """Mark the job failed with {code, params}; then the kind's on_failed, if this run did it."""
        self.ended = True
        problem = {"code": code, "params": params}
        failed = self._mine().update(status=JobStatus.FAILED, errors=[problem], finished_at=timezone.now())
        if failed and self.kind.on_failed is not None:
            self.kind.on_failed(self, problem)


def job_run(kind: JobKind, job_id, *, tries_left: int = 0) -> None:
    """Run (or run again) a job to its end: done, failed with its code, or waiting; nothing if it ended or is gone.

    tries_left: how many more times the task is retried after a transient error; at 0 such an
    error fails the job (`gave_up`), so that it never stays running with nobody working on it.
    """
    run = _claim(kind, job_id, tries_left)
    if run is None:
        return
    # Named after the job, and emptied first: a run that was killed left its files here.
    work_dir = get_storage().scratch / f"{kind.name}-{run.job.pk}"
    try:
        shutil.rmtree(work_dir, ignore_errors=True)
        work_dir.mkdir(parents=True)
        run.work_dir = work_dir
        with heartbeat(kind.model, run.job.pk, run.attempt):
            for step in kind.steps:
                if run.ended or not run.holds():
                    break  # finished, waiting, or taken over by a newer run: the rest is not ours
                step(run)
        if not run.ended:
            run.finish()
    except JobFailed as failure:
        run.fail(failure.code, **failure.params)
    except SoftTimeLimitExceeded:
        logger.warning("%s %s stopped at its time limit (%s s)", kind.name, job_id, kind.time_limit)
        run.fail("timed_out", limit=kind.time_limit)
    except TRANSIENT_ERRORS as error:
        if storage_full(error):
            logger.error("%s %s: storage full", kind.name, job_id)
            run.fail("storage_full")
        elif tries_left <= 0:
            logger.exception("%s %s gave up after %s tries", kind.name, job_id, run.attempt)
            run.fail("gave_up", tries=run.attempt, reason=type(error).__name__)
        else:
            raise  # Celery retries the task; the next run claims the job again
    except Exception:
        logger.exception("%s %s failed", kind.name, job_id)
        run.fail("internal_error")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _claim(kind: JobKind, job_id, tries_left: int) -> JobRun | None:
    """Take the job for a new attempt; None if it is gone, has ended, or waits for someone.

    A run that finds the job `running` takes it over: the run before it lost its worker (the
    job was sent again), and what that run wrote is void from now on, fenced by the attempt.
    """
    with transaction.atomic():
        job = kind.model.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            return None
        job.attempt += 1
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.heartbeat_at = job.started_at
        job.save(update_fields=["attempt", "status", "started_at", "heartbeat_at"])
    rows = kind.model.objects.select_related(*kind.select_related) if kind.select_related else kind.model.objects
    return JobRun(kind, rows.get(pk=job_id), tries_left)
