"""The project's settings, pointed at real PostgreSQL and Redis for the test suite.

Only environment defaults are set here; the settings module itself is the one in config/.
"""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://evidence:evidence@127.0.0.1:5432/evidence")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="evidence-test-"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("STORAGE_MIN_FREE_MB", "16")  # a test machine's disk may be nearly full; /healthz tests set their own
# Several runs may share one PostgreSQL and Redis (a developer and CI): keep them apart.
RUN_ID = f"{os.getpid()}"
os.environ.setdefault("CELERY_QUEUE", f"evidence-test-{RUN_ID}")
os.environ.setdefault("CACHE_PREFIX", f"evidence-test-{RUN_ID}")

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES  # noqa: E402

DATABASES["default"]["TEST"] = {"NAME": f"test_evidence_{RUN_ID}"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
