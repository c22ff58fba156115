"""Who may see which share, invitation and contribution. Every sharing read starts here."""

from django.db.models import QuerySet
from django.utils import timezone

from evidence.cases.selectors import scoped_to_visible_cases
from evidence.events.models import Event
from evidence.intake.models import EvidenceItem
from evidence.reports.assemble import exhibit_numbers, frozen_items
from evidence.reports.models import BundleStatus
from evidence.sharing.models import Access, Invitee, Share


def _signed_in_as(user, role: str) -> bool:
    return user.is_authenticated and user.is_active and getattr(user, "role", None) == role


def shares_owned_by(user) -> QuerySet[Share]:
    """The shares of the borrower's own cases (to list, revoke and read their access log)."""
    return scoped_to_visible_cases(Share.objects.select_related("bundle", "lawyer"), user)


def shares_open_to(user) -> QuerySet[Share]:
    """The shares a lawyer may open now: theirs, of a finished bundle, neither expired nor revoked.

    Checked on every request, so a revocation or an expiry takes effect on the very next one.
    """
    if not _signed_in_as(user, "lawyer"):
        return Share.objects.none()
    return Share.objects.select_related("bundle", "case", "created_by").filter(
        lawyer=user, revoked_at__isnull=True, expires_at__gt=timezone.now(), bundle__status=BundleStatus.DONE)


def accesses_of(share: Share) -> QuerySet[Access]:
    return share.accesses.select_related("user")


def shared_items(share: Share) -> QuerySet[EvidenceItem]:
    """The exhibits a share shows: the bundle's frozen evidence set, nothing added later."""
    return EvidenceItem.objects.filter(id__in=[entry["id"] for entry in share.bundle.items], case=share.case_id)


def shared_exhibits(share: Share) -> list[tuple[str, EvidenceItem]]:
    """The share's exhibits with the numbers the bundle's report gives them (E-001 …), in that order.

    Numbered by the report's own functions, so "E-003" on a page, in the access log and in the
    signed PDF is the same file.
    """
    items = frozen_items(share.bundle)
    numbers = exhibit_numbers(items)
    return [(numbers[item.id], item) for item in items if item.case_id == share.case_id]


def exhibit_names(share: Share) -> dict:
    """{item id: ("E-003", "催收短信.png")}: how the access log names an exhibit."""
    return {item.id: (number, item.original_name) for number, item in shared_exhibits(share)}


def shared_events(share: Share) -> QuerySet[Event]:
    """The calls and messages that were on record when the bundle was made."""
    return Event.objects.filter(case=share.case_id, created_at__lte=share.bundle.created_at)


def invitees_owned_by(user) -> QuerySet[Invitee]:
    """The invitees of the borrower's own cases."""
    return scoped_to_visible_cases(Invitee.objects.all(), user)


def invitations_open_to(user) -> QuerySet[Invitee]:
    """An invitee's grants they may still use to add evidence."""
    if not _signed_in_as(user, "invitee"):
        return Invitee.objects.none()
    return Invitee.objects.select_related("case").filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


def items_provided_by(invitee: Invitee) -> QuerySet[EvidenceItem]:
    """Only what this invitee added themselves: they never see the borrower's evidence."""
    return EvidenceItem.objects.filter(case=invitee.case_id, uploaded_by=invitee.user_id)
