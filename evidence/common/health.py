"""GET /healthz: is the database, the broker and the storage usable right now?"""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from evidence.storage.backends import get_storage


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    else:
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        if not folder.is_dir():
            raise OSError(f"queue folder {folder} is missing")


def _storage() -> None:
    storage = get_storage()
    storage.check_writable()
    free, floor = storage.free_bytes(), settings.STORAGE_MIN_FREE_MB << 20
    if free is not None and free < floor:  # None: an object store, with no such limit to watch  # still writable, but an upload or a packet may not fit: say so before it fails
        raise LowOnSpace(f"{free >> 20} MiB free, below STORAGE_MIN_FREE_MB={settings.STORAGE_MIN_FREE_MB}")


class LowOnSpace(Exception):
    pass


@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("broker", _broker), ("storage", _storage)):
        try:
            check()
            checks[name] = "ok"
        except Exception as error:  # any failure means "down"; the type says why
            checks[name] = f"low: {error}" if isinstance(error, LowOnSpace) else f"down: {type(error).__name__}"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)
