"""Sending jobs to the broker so that none is lost when the broker is down.

A job is sent after its transaction commits: the item, import or bundle is stored by then, so
a broker that cannot be reached must not turn the answer into a 500. The send is given up
after a short retry, logged, and the sweeper (evidence.common.tasks.sweep_jobs, every
SWEEP_INTERVAL seconds) sends again every job that is still waiting for a worker.
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

try:  # the embedded setup has no Redis client errors to catch
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OperationalError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, OSError)
# Give up quickly: the request is waiting, and the sweeper sends it again later.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


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
