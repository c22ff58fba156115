from contextlib import contextmanager

from django.db import connection

from evidence.custody.models import CustodyEvent
from evidence.custody.services import custody_record
from tests.conftest import run_command

TABLE = CustodyEvent._meta.db_table
TRIGGER = "custody_custodyevent_append_only"


def _run(capsys, *args) -> tuple[int, str]:
    return run_command("verify_audit", capsys, *args)


@contextmanager
def _behind_the_triggers_back():
    """A cursor that can change the log, as someone with the database owner's rights could."""
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while the test's deferred foreign-key checks are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        yield cursor
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _chain(n: int) -> list[CustodyEvent]:
    return [custody_record(action="test.event", details={"n": i}) for i in range(n)]


def test_an_untouched_chain_verifies(db, capsys):
    for n in range(5):
        custody_record(action="test.event", details={"n": n, "text": "凌晨 23:14 来电"})

    assert _run(capsys) == (0, "OK: 5 events, chain intact\n")


def test_an_empty_log_verifies(db, capsys):
    assert _run(capsys) == (0, "OK: 0 events, chain intact\n")


def test_an_edited_event_breaks_the_chain(db, capsys):
    _chain(3)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"""UPDATE {TABLE} SET details = '{{"n": 99}}' WHERE seq = 2""")

    code, out = _run(capsys)

    assert code == 1
    assert "BROKEN event #2" in out


def test_it_names_the_first_broken_event_with_its_action_and_time(db, capsys):
    events = _chain(3)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = 'evidence.viewed' WHERE seq = 2")

    code, out = _run(capsys)

    assert code == 1
    assert out == (
        f"BROKEN event #2 evidence.viewed at {events[1].at.isoformat(timespec='seconds')}: "
        "content does not match its hash (changed after it was written)\n"
        "FAIL: 1 problem(s) in 3 events; first at event #2, 0 more after it\n"
    )


def test_it_names_only_the_first_break_and_counts_the_rest(db, capsys):
    _chain(6)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_name = 'someone' WHERE seq IN (2, 4, 5)")

    code, out = _run(capsys)

    assert code == 1
    assert out.count("BROKEN") == 1
    assert out.startswith("BROKEN event #2 test.event at ")
    assert out.endswith("FAIL: 3 problem(s) in 6 events; first at event #2, 2 more after it\n")


def test_it_lists_every_broken_event_when_verbose(db, capsys):
    _chain(6)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_name = 'someone' WHERE seq IN (2, 4, 5)")

    code, out = _run(capsys, "--verbosity=2")

    assert code == 1
    assert [line.split(" ")[2] for line in out.splitlines() if line.startswith("BROKEN")] == ["#2", "#4", "#5"]


def test_a_rehashed_event_breaks_the_link_to_the_next(db, capsys):
    """GIVEN an event changed and given a fresh hash of its own, THEN the next event no longer points at it."""
    _chain(3)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET hash = repeat('f', 64) WHERE seq = 2")

    code, out = _run(capsys, "--verbosity=2")

    assert code == 1
    assert "BROKEN event #2" in out  # its content no longer matches the (forged) hash
    assert "BROKEN event #3 test.event at " in out
    assert "does not point at the event before it" in out


def test_a_deleted_event_breaks_the_chain(db, capsys):
    _chain(3)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 2")

    code, out = _run(capsys)

    assert code == 1
    assert "BROKEN event #3" in out
    assert "gap: event #2 missing before it (sequence jumps from 1 to 3)" in out
    assert out.endswith("FAIL: 1 problem(s) in 2 events; first at event #3, 0 more after it\n")


def test_it_reports_several_deleted_events_as_one_gap(db, capsys):
    _chain(5)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq IN (1, 2, 3)")

    code, out = _run(capsys)

    assert code == 1
    assert "BROKEN event #4 test.event at " in out
    assert "gap: event #1-#3 missing before it (sequence jumps from 0 to 4)" in out


def test_a_chain_with_purpose_hashes_and_objects_verifies(db, capsys, case):
    custody_record(action="bundle.requested", case_id=case.id, purpose="bundle for cn-12378",
                   object_type="bundle", object_id="b-1")
    custody_record(action="evidence.redacted", case_id=case.id, sha256_before="a" * 64, sha256="b" * 64,
                   purpose="hide a third party's number")

    assert _run(capsys) == (0, f"OK: {CustodyEvent.objects.count()} events, chain intact\n")


def test_it_notices_a_changed_purpose(db, capsys, case):
    custody_record(action="bundle.requested", case_id=case.id, purpose="bundle for cn-12378",
                   object_type="bundle", object_id="b-1")
    seq = CustodyEvent.objects.get(action="bundle.requested").seq
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET purpose = 'bundle for someone else' WHERE seq = %s", [seq])

    code, out = _run(capsys)

    assert code == 1
    assert f"BROKEN event #{seq} bundle.requested" in out


def test_it_notices_a_removed_hash_before(db, capsys):
    """GIVEN a new field emptied, THEN the event does not pass for an old-style one."""
    custody_record(action="evidence.redacted", sha256_before="a" * 64, sha256="b" * 64)
    with _behind_the_triggers_back() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET sha256_before = '' WHERE seq = 1")

    code, out = _run(capsys)

    assert code == 1
    assert "BROKEN event #1 evidence.redacted" in out
