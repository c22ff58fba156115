"""A Redis cache that keeps the site up when Redis is not.

The cache holds only throttle counters and short-lived markers, never data. When Redis cannot be
reached, reads answer "nothing cached", writes are dropped and counters start from one: sign-in and
uploads keep working (their limits are not enforced until Redis is back), and each failure is
logged, at most once a minute.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _down(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("cache unavailable (%s: %s: %s); limits are not enforced until it is back",
                       operation, type(error).__name__, error)


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as error:
            _down("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError) as error:
            _down("get_many", error)
            return {}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError) as error:
            _down("add", error)
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except (RedisError, OSError) as error:
            _down("set", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            _down("incr", error)
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except (RedisError, OSError) as error:
            _down("delete", error)
            return False
