"""A running job says it is alive, so that the sweeper can tell a dead worker's job from a slow one.

While a job runs, a thread writes `heartbeat_at` on its row every HEARTBEAT_INTERVAL seconds (only
for the run that holds the row's attempt). A job `running` whose heartbeat is older than
JOB_STALE_AFTER lost its worker (killed, out of memory, the machine gone): the sweeper sends it
again and the next run claims it, in minutes rather than after the broker's visibility timeout.
"""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def beat(model, pk, attempt: int) -> None:
    model.objects.filter(pk=pk, attempt=attempt).update(heartbeat_at=timezone.now())


@contextmanager
def heartbeat(model, pk, attempt: int):
    """Keep the row's heartbeat fresh while the block runs."""
    stop = threading.Event()

    def run():
        try:
            while not stop.wait(settings.HEARTBEAT_INTERVAL):
                try:
                    beat(model, pk, attempt)
                except Exception as error:  # noqa: BLE001 - a missed beat is retried; the job goes on
                    logger.warning("heartbeat of %s %s missed: %s", model.__name__, pk, error)
                    close_old_connections()
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=run, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
