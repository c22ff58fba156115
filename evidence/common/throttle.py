"""A fixed-window counter in the cache: at most `limit` attempts per key and window."""

import hashlib

from django.core.cache import cache


def attempt_allowed(scope: str, who: str, *, limit: int, window_s: int) -> bool:
    """Count one attempt by who (e.g. a client address); False once limit attempts fall in the window."""
    # The address is hashed so that the cache holds no list of who used the page.
    key = f"throttle:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"
    cache.add(key, 0, timeout=window_s)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        count = 1
    return count <= limit
