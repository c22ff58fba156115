
from evidence.custody.models import CustodyEvent
from evidence.custody.services import custody_record
from tests.conftest import run_command


def _run(capsys) -> tuple[int, str]:
    return run_command("verify_audit", capsys)


def test_an_untouched_chain_verifies(db, capsys):
    for n in range(5):
        custody_record(action="test.event", details={"n": n, "text": "凌晨 23:14 来电"})

    assert _run(capsys) == (0, "OK: 5 events, chain intact\n")


def test_an_edited_event_breaks_the_chain(db, capsys):
    for n in range(3):
        custody_record(action="test.event", details={"n": n})
    CustodyEvent.objects.filter(seq=2).update(details={"n": 99})

    code, out = _run(capsys)

    assert code == 1
    assert "BROKEN event #2" in out


def test_a_deleted_event_breaks_the_chain(db, capsys):
    for n in range(3):
        custody_record(action="test.event", details={"n": n})
    CustodyEvent.objects.filter(seq=2).delete()

    code, out = _run(capsys)

    assert code == 1
    assert "BROKEN event #3" in out
