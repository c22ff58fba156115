import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from evidence.custody.models import CustodyEvent
from evidence.custody.services import GENESIS, custody_record, event_digest
from tests.conftest import run_command

CASE = uuid.UUID("6f1c2a3e-0000-4000-8000-000000000001")
ITEM = uuid.UUID("6f1c2a3e-0000-4000-8000-000000000002")


def _old_style(**fields) -> CustodyEvent:
    """An event as written before purpose, sha256_before and object existed."""
    return CustodyEvent(**{
        "seq": 7, "at": datetime(2026, 5, 1, 15, 10, 5, 123456, tzinfo=UTC), "action": "evidence.received",
        "actor_id": None, "actor_name": "wang", "actor_role": "borrower", "case_id": CASE, "item_id": ITEM,
        "sha256": "ab" * 32, "ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (Linux; Android 10)",
        "details": {"name": "催收短信.png", "n": 1}, "prev_hash": "cd" * 32, **fields,
    })


def _previous_digest(event: CustodyEvent) -> str:
    """event_digest as it was before the new fields: the canonical form old chains were hashed with."""
    content = {
        "seq": event.seq, "at": event.at.isoformat(timespec="microseconds"), "action": event.action,
        "actor": event.actor_id, "actor_name": event.actor_name, "actor_role": event.actor_role,
        "case": str(event.case_id) if event.case_id else None, "item": str(event.item_id) if event.item_id else None,
        "sha256": event.sha256, "ip": event.ip, "user_agent": event.user_agent, "details": event.details,
        "prev": event.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_an_old_style_event_hashes_as_it_always_did():
    event = _old_style(actor_id=3)

    # Computed with the code that wrote the first chains; must never change.
    assert event_digest(event) == "e5a7855e9cb724806ddbd9f5bf26fbdb8aca8ef3fcf1979b5e6dac97c4d410af"
    assert event_digest(event) == _previous_digest(event)


@pytest.mark.parametrize("field, value", [
    ("purpose", "bundle for cn-12378"),
    ("sha256_before", "ef" * 32),
    ("object_type", "bundle"),
    ("object_id", "42"),
])
def test_each_new_field_is_part_of_the_hash(field, value):
    assert event_digest(_old_style(**{field: value})) != event_digest(_old_style())


def test_old_style_rows_still_verify(db, capsys):
    """GIVEN rows written before the new fields existed, THEN they verify, and new events chain onto them."""
    start, rows, prev = datetime(2026, 5, 1, 15, 0, tzinfo=UTC), [], GENESIS
    for seq in range(1, 4):
        row = _old_style(seq=seq, at=start + timedelta(minutes=seq), prev_hash=prev)
        row.hash = prev = _previous_digest(row)
        rows.append(row)
    CustodyEvent.objects.bulk_create(rows)
    custody_record(action="bundle.requested", purpose="bundle for cn-12378", object_type="bundle", object_id="b-1")

    assert run_command("verify_audit", capsys) == (0, "OK: 4 events, chain intact\n")


def test_it_records_purpose_hashes_and_object(db, borrower):
    bundle_id = uuid.uuid4()

    event = custody_record(action="bundle.built", actor=borrower, case_id=CASE, sha256_before="ab" * 32,
                           sha256="cd" * 32, purpose="bundle for cn-12378", object_type="bundle", object_id=bundle_id)

    stored = CustodyEvent.objects.get(pk=event.pk)
    assert (stored.purpose, stored.sha256_before, stored.sha256) == ("bundle for cn-12378", "ab" * 32, "cd" * 32)
    assert (stored.object_type, stored.object_id) == ("bundle", str(bundle_id))
    assert (stored.actor_name, stored.actor_role) == ("wang", "borrower")
    assert event_digest(stored) == stored.hash


def test_it_refuses_an_object_id_too_long_to_store(db):
    with pytest.raises(ValueError):
        custody_record(action="share.created", object_type="share", object_id="x" * 65)
    assert not CustodyEvent.objects.exists()
