"""The append-only, hash-chained custody log."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from evidence.custody.models import CustodyEvent

GENESIS = "0" * 64
_CHAIN_LOCK = 0x45564944  # pg_advisory_xact_lock key for appending to the chain
# Fields added after the first events were written. Each enters the digest only when it is
# set, so events written before them hash exactly as they did and old chains still verify.
_OPTIONAL_FIELDS = ("purpose", "object_type", "object_id", "sha256_before")


def event_content(event: CustodyEvent) -> dict:
    """What an event's hash covers: its content and the previous event's hash (packets ship it as is)."""
    content = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "action": event.action,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "case": str(event.case_id) if event.case_id else None,
        "item": str(event.item_id) if event.item_id else None,
        "sha256": event.sha256,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "details": event.details,
        "prev": event.prev_hash,
    }
    content.update({name: getattr(event, name) for name in _OPTIONAL_FIELDS if getattr(event, name)})
    return content


def event_digest(event: CustodyEvent) -> str:
    """The SHA-256 of an event's content and the previous event's hash."""
    canonical = json.dumps(event_content(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def custody_record(
    *,
    action: str,
    actor=None,
    request=None,
    case_id=None,
    item_id=None,
    sha256: str = "",
    details: dict | None = None,
    purpose: str = "",
    sha256_before: str = "",
    object_type: str = "",
    object_id: str = "",
) -> CustodyEvent:
    """Append one event to the chain; runs inside the caller's transaction if there is one.

    sha256 is the content's hash after the event, sha256_before the one before it (when the
    event changed something); object_type/object_id name any object other than the case and
    item, e.g. ("bundle", bundle.id).
    """
    object_id = str(object_id) if object_id else ""
    for name, value, limit in (("object_type", object_type, 32), ("object_id", object_id, 64)):
        if len(value) > limit:
            raise ValueError(f"custody {name} is longer than {limit} characters: {value!r}")
    if request is not None and actor is None and request.user.is_authenticated:
        actor = request.user
    with transaction.atomic():
        # Appends are serialised so that every event names the one true predecessor.
        # SQLite's IMMEDIATE transactions already do that; PostgreSQL needs the lock.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = CustodyEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = CustodyEvent(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            action=action,
            actor=actor,
            actor_name=getattr(actor, "username", "") or "",
            actor_role=getattr(actor, "role", "") or "",
            purpose=purpose[:200],
            case_id=case_id,
            item_id=item_id,
            object_type=object_type,
            object_id=object_id,
            sha256_before=sha256_before,
            sha256=sha256,
            ip=(request.META.get("REMOTE_ADDR", "") if request is not None else "")[:64],
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:256],
            details=details or {},
            prev_hash=last.hash if last else GENESIS,
        )
        # JSON round trip so the digest sees what the database will give back.
        event.details = json.loads(json.dumps(event.details, ensure_ascii=False))
        event.hash = event_digest(event)
        event.save()
    return event


@dataclass
class ChainProblem:
    seq: int
    action: str
    at: datetime
    problem: str  # everything wrong with this event, in one sentence


def custody_verify_chain() -> tuple[int, list[ChainProblem]]:
    """Recompute every link; return how many events were checked and, per broken event, what is wrong."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in CustodyEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        wrong = []
        if event.seq != expected_seq:
            missing = f"#{expected_seq}" if event.seq == expected_seq + 1 else f"#{expected_seq}-#{event.seq - 1}"
            wrong.append(f"gap: event {missing} missing before it (sequence jumps from {expected_seq - 1} to {event.seq})")
        # After a gap the link cannot match (it names the missing event): the gap says it all.
        elif event.prev_hash != prev_hash:
            wrong.append("does not point at the event before it")
        if event_digest(event) != event.hash:
            wrong.append("content does not match its hash (changed after it was written)")
        if wrong:
            problems.append(ChainProblem(event.seq, event.action, event.at, "; ".join(wrong)))
        prev_hash, expected_seq = event.hash, event.seq + 1
    return count, problems
