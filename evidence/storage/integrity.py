"""Re-hash stored originals against the hashes taken when they arrived."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from evidence.storage.backends import EvidenceStorage, sha256_of_stream


@dataclass
class IntegrityResult:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed)


def originals_check(storage: EvidenceStorage, expected: Iterable[tuple[str, int]]) -> IntegrityResult:
    """Check every (sha256, size) the database expects; also list stored files nobody expects."""
    result = IntegrityResult()
    seen = set()
    for sha256, size in expected:
        if sha256 in seen:
            continue
        seen.add(sha256)
        result.checked += 1
        if not storage.exists(sha256):
            result.missing.append(sha256)
            continue
        with storage.open(sha256) as original:
            digest, actual_size = sha256_of_stream(original)
        if digest != sha256 or actual_size != size:
            result.changed.append(sha256)
    # Files without a row are reported, never deleted: that is for a person to decide.
    result.unreferenced = sorted(set(storage.iter_originals()) - seen)
    return result
