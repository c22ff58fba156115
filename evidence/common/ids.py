import os
import time
import uuid
from collections.abc import Iterator

_VERSION_7 = 0x7 << 76
_RFC_4122 = 0x2 << 62
_CLEAR = ~(0xF << 76) & ~(0x3 << 62)


def _uuid7(ms: int, random80: int) -> uuid.UUID:
    return uuid.UUID(int=((ms << 80 | random80) & _CLEAR) | _VERSION_7 | _RFC_4122)


def time_ordered_uuid() -> uuid.UUID:
    """A random UUID whose first 48 bits are the clock in ms (the UUIDv7 layout).

    Rows inserted together get neighbouring keys, so a bulk insert appends to the primary
    key's index rather than splitting pages everywhere in it.
    """
    return _uuid7(time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big"))


def time_ordered_uuids(batch: int = 4096) -> Iterator[uuid.UUID]:
    """time_ordered_uuid() without a system call per id, for bulk inserts."""
    while True:
        pool = os.urandom(10 * batch)
        ms = time.time_ns() // 1_000_000
        for offset in range(0, len(pool), 10):
            yield _uuid7(ms, int.from_bytes(pool[offset:offset + 10], "big"))
