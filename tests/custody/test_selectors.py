from evidence.cases.services import case_create
from evidence.custody.selectors import custody_for_case
from evidence.custody.services import custody_record


def test_it_returns_a_cases_events_in_order(case, other_borrower):
    other = case_create(owner=other_borrower, title="另一个案子", jurisdiction="CN")
    custody_record(action="test.first", case_id=case.id)
    custody_record(action="test.elsewhere", case_id=other.id)
    custody_record(action="test.second", case_id=case.id, object_type="bundle", object_id="b-1")

    events = list(custody_for_case(case.id))

    assert [event.action for event in events] == ["case.created", "test.first", "test.second"]
    assert [event.seq for event in events] == sorted(event.seq for event in events)
