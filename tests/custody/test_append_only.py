import pytest
from django.db import DatabaseError, connection, transaction

from evidence.custody.models import CustodyAppendOnly, CustodyEvent
from evidence.custody.services import custody_record

TABLE = CustodyEvent._meta.db_table


@pytest.fixture
def event(db) -> CustodyEvent:
    custody_record(action="test.first")
    return custody_record(action="test.event", details={"n": 1})


def _unchanged(event: CustodyEvent) -> bool:
    stored = CustodyEvent.objects.get(pk=event.pk)
    return (stored.action, stored.details, stored.hash) == (event.action, {"n": 1}, event.hash)


def test_it_refuses_to_save_an_existing_event(event):
    stored = CustodyEvent.objects.get(pk=event.pk)
    stored.action = "test.changed"

    with pytest.raises(CustodyAppendOnly):
        stored.save()
    with pytest.raises(CustodyAppendOnly):
        stored.save(update_fields=["action"])
    assert CustodyEvent.objects.get(pk=event.pk).action == "test.event"


def test_it_refuses_to_save_an_event_twice(event):
    event.details = {"n": 2}

    with pytest.raises(CustodyAppendOnly):
        event.save()
    assert _unchanged(event)


def test_it_never_overwrites_an_event_through_a_new_instance_with_its_id(event):
    forged = CustodyEvent(pk=event.pk, seq=event.seq, at=event.at, action="test.forged", prev_hash=event.prev_hash,
                          hash=event.hash)

    with pytest.raises(DatabaseError), transaction.atomic():
        forged.save()
    assert _unchanged(event)


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(CustodyAppendOnly):
        event.delete()
    assert CustodyEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_a_queryset_update(event):
    with pytest.raises(CustodyAppendOnly):
        CustodyEvent.objects.filter(pk=event.pk).update(action="test.changed")
    with pytest.raises(CustodyAppendOnly):
        CustodyEvent.objects.all().update(details={})
    assert _unchanged(event)


def test_it_refuses_a_bulk_update(event):
    event.action = "test.changed"

    with pytest.raises(CustodyAppendOnly):
        CustodyEvent.objects.bulk_update([event], ["action"])


def test_it_refuses_a_queryset_delete(event):
    with pytest.raises(CustodyAppendOnly):
        CustodyEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(CustodyAppendOnly):
        CustodyEvent.objects.all().delete()
    assert CustodyEvent.objects.count() == 2


def test_it_refuses_through_the_base_manager_too(event):
    with pytest.raises(CustodyAppendOnly):
        CustodyEvent._base_manager.filter(pk=event.pk).update(action="test.changed")


def test_it_still_appends_in_bulk(db):
    first = custody_record(action="test.first")
    CustodyEvent.objects.bulk_create([
        CustodyEvent(seq=first.seq + 1, at=first.at, action="test.bulk", prev_hash=first.hash, hash="1" * 64),
    ])

    assert CustodyEvent.objects.filter(action="test.bulk").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action='x'")
    assert _unchanged(event)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [event.seq])
    assert CustodyEvent.objects.filter(pk=event.pk).exists()
