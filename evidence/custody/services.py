"""The append-only, hash-chained custody log."""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from evidence.custody.models import CustodyEvent

GENESIS = "0" * 64
_CHAIN_LOCK = 0x45564944  # pg_advisory_xact_lock key for appending to the chain


def event_digest(event: CustodyEvent) -> str:
    """The SHA-256 of an event's content and the previous event's hash."""
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
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
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
) -> CustodyEvent:
    """Append one event to the chain; runs inside the caller's transaction if there is one."""
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
            case_id=case_id,
            item_id=item_id,
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
    problem: str


def custody_verify_chain() -> tuple[int, list[ChainProblem]]:
    """Recompute every link; return how many events were checked and what is wrong."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in CustodyEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            problems.append(ChainProblem(event.seq, f"sequence jumps from {expected_seq - 1} to {event.seq}"))
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.seq, "does not point at the event before it"))
        if event_digest(event) != event.hash:
            problems.append(ChainProblem(event.seq, "content does not match its hash (changed after it was written)"))
        prev_hash, expected_seq = event.hash, event.seq + 1
    return count, problems
