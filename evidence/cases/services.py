from zoneinfo import available_timezones

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from evidence.cases.models import DEFAULT_TIMEZONES, Case, NumberLabel, ThirdPartyContact
from evidence.cases.numbers import case_region, number_normalize
from evidence.cases.signals import case_revised
from evidence.common.errors import EvidenceError
from evidence.custody.services import custody_record


class HiddenNumber(EvidenceError):
    code = "hidden_number"
    message = _("A hidden number cannot be labelled: give a number or a name.")


def timezone_is_known(name: str) -> bool:
    return name in _TIMEZONES


_TIMEZONES = frozenset(available_timezones())


def case_create(
    *,
    owner,
    title: str,
    jurisdiction: str,
    timezone: str = "",
    lender: str = "",
    lending_app: str = "",
    collection_agency: str = "",
    request=None,
) -> Case:
    """Open a case for a borrower; the time zone defaults to the jurisdiction's."""
    case = Case.objects.create(
        owner=owner,
        title=title,
        jurisdiction=jurisdiction,
        timezone=timezone or DEFAULT_TIMEZONES[jurisdiction],
        lender=lender,
        lending_app=lending_app,
        collection_agency=collection_agency,
    )
    custody_record(action="case.created", actor=owner, request=request, case_id=case.id, details={"title": title})
    return case


def case_revise(*, case_id) -> None:
    """Record that a case's facts changed; listeners hear of it once the change commits."""
    Case.objects.filter(id=case_id).update(revision=F("revision") + 1)
    transaction.on_commit(lambda: case_revised.send(sender=Case, case_id=case_id))


def number_label_set(*, case: Case, number: str, role: str, name: str = "", note: str = "", actor, request=None):
    """Say whose a number is; (label, created). Setting it again replaces the earlier word."""
    normalized = number_normalize(number, case_region(case))
    if not normalized:
        raise HiddenNumber()
    with transaction.atomic():
        label, created = NumberLabel.objects.update_or_create(
            case=case, number=normalized, defaults={"role": role, "name": name, "note": note}
        )
        case_revise(case_id=case.id)
        custody_record(
            action="number.labelled", actor=actor, request=request, case_id=case.id,
            details={"number": normalized, "role": role},
        )
    return label, created


def number_label_remove(*, label: NumberLabel, actor, request=None) -> None:
    with transaction.atomic():
        case_id, number = label.case_id, label.number
        label.delete()
        case_revise(case_id=case_id)
        custody_record(action="number.unlabelled", actor=actor, request=request, case_id=case_id, details={"number": number})


def third_party_record(*, case: Case, actor, request=None, **fields) -> ThirdPartyContact:
    """Record that a collector contacted someone else about the borrower's debt."""
    fields["number"] = number_normalize(fields.get("number", ""), case_region(case))
    with transaction.atomic():
        contact = ThirdPartyContact.objects.create(case=case, recorded_by=actor, **fields)
        case_revise(case_id=case.id)
        custody_record(
            action="third_party.recorded", actor=actor, request=request, case_id=case.id,
            details={"id": str(contact.id), "relation": contact.relation, "at": contact.contacted_at.isoformat()},
        )
    return contact


def third_party_remove(*, contact: ThirdPartyContact, actor, request=None) -> None:
    with transaction.atomic():
        case_id, contact_id = contact.case_id, contact.id
        contact.delete()
        case_revise(case_id=case_id)
        custody_record(action="third_party.removed", actor=actor, request=request, case_id=case_id, details={"id": str(contact_id)})
