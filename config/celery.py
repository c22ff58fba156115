"""The Celery app: settings come from Django's, under the CELERY_ prefix."""

import os
import warnings
from pathlib import Path

from celery import Celery, signals
from celery.exceptions import SecurityWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# A worker started as root warns about it on every start. Shown with LOG_LEVEL=INFO (the
# settings' default) or DEBUG; `make run`, at WARNING, leaves it out of the console.
if os.environ.get("LOG_LEVEL", "INFO").strip().upper() not in ("DEBUG", "INFO"):
    warnings.filterwarnings("ignore", category=SecurityWarning)

app = Celery("evidence")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_ready.connect
def _mark_ready(**kwargs) -> None:
    """Write WORKER_READY_FILE, if set, once the worker takes jobs (scripts/serve.sh waits for it)."""
    path = os.environ.get("WORKER_READY_FILE")
    if path:
        Path(path).write_text(f"{os.getpid()}\n")
