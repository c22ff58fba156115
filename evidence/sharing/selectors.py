"""Who may see which share, invitation and contribution. Every sharing read starts here.

The lawyer's web pages and /api/shared/ both find a share with share_open_to() and ask
share_allows() what it lets the lawyer do, so the two refuse alike: NotFound (404) for a share
that is not the lawyer's, or no longer is (revoked, expired), and DownloadNotAllowed (403) for a
download from a share the borrower made view-only.
"""

from enum import StrEnum
from http import HTTPStatus

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.accounts.models import Role
from evidence.cases.selectors import scoped_to_visible_cases
from evidence.common.errors import EvidenceError, NotFound
from evidence.events.models import Event
from evidence.intake.models import EvidenceItem
from evidence.reports.assemble import exhibit_numbers, frozen_items
from evidence.reports.models import BundleStatus
from evidence.sharing.models import Access, Invitation, Invitee, Share


class Scope(StrEnum):
    """What a share can let its lawyer do."""

    VIEW = "view"  # the case, the report, the findings, the records, the exhibits (each original opens)
    DOWNLOAD = "download"  # the packet ZIP: only when the borrower allowed it (Share.can_download)


class DownloadNotAllowed(EvidenceError):
    """A download asked of a view-only share. `share` is the share refused, for the page that says so."""

    status_code = HTTPStatus.FORBIDDEN
    code = "download_not_allowed"
    message = _("The borrower did not allow downloading the packet. You can read the report here.")

    def __init__(self, share: Share | None = None, **params):
        self.share = share
        super().__init__(**params)


def _signed_in_as(user, role: Role) -> bool:
    """The one check of an account's role (lawyer, invitee) behind every sharing read."""
    return user.is_authenticated and user.is_active and getattr(user, "role", None) == role


def share_allows(share: Share, scope: Scope) -> bool:
    """Whether a share lets its lawyer do this: the one place a share's scope is read.

    Only for a share the lawyer may open at all (share_open_to); every share lets them view.
    """
    scope = Scope(scope)  # a scope by name ("download") is the same scope; an unknown one is a ValueError
    if scope is Scope.DOWNLOAD:
        return share.can_download
    return True


def share_require(share: Share, scope: Scope) -> None:
    """share_allows(), or DownloadNotAllowed (403) naming the share."""
    if not share_allows(share, scope):
        raise DownloadNotAllowed(share)


def shares_owned_by(user) -> QuerySet[Share]:
    """The shares of the borrower's own cases (to list, revoke and read their access log)."""
    return scoped_to_visible_cases(Share.objects.select_related("bundle", "lawyer"), user)


def shares_open_to(user) -> QuerySet[Share]:
    """The shares a lawyer may open now: theirs, of a finished bundle, neither expired nor revoked.

    Checked on every request, so a revocation or an expiry takes effect on the very next one.
    """
    if not _signed_in_as(user, Role.LAWYER):
        return Share.objects.none()
    return Share.objects.select_related("bundle", "case", "created_by").filter(
        lawyer=user, revoked_at__isnull=True, expires_at__gt=timezone.now(), bundle__status=BundleStatus.DONE)


def share_open_to(user, share_id) -> Share:
    """One share the lawyer may open now, or NotFound (404): not theirs, revoked, expired, or no such share
    are one answer, so nobody learns that a share exists."""
    share = shares_open_to(user).filter(id=share_id).first()
    if share is None:
        raise NotFound()
    return share


def accesses_of(share: Share) -> QuerySet[Access]:
    return share.accesses.select_related("user")


def shared_items(share: Share) -> QuerySet[EvidenceItem]:
    """The exhibits a share shows: the bundle's frozen evidence set, nothing added later."""
    return EvidenceItem.objects.filter(id__in=[entry["id"] for entry in share.bundle.items], case=share.case_id)


def shared_item(share: Share, item_id) -> EvidenceItem:
    """One of the share's exhibits, or NotFound (404), e.g. for evidence added after the bundle was made."""
    item = shared_items(share).filter(id=item_id).first()
    if item is None:
        raise NotFound()
    return item


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
    if not _signed_in_as(user, Role.INVITEE):
        return Invitee.objects.none()
    return Invitee.objects.select_related("case").filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


def items_provided_by(invitee: Invitee) -> QuerySet[EvidenceItem]:
    """Only what this invitee added themselves: they never see the borrower's evidence."""
    return EvidenceItem.objects.filter(case=invitee.case_id, uploaded_by=invitee.user_id)


def invitation_summary(invitation: Invitation) -> dict:
    """What an invitation link is for, as its page and GET /api/invitations/{token}/ show it."""
    target = invitation.share or invitation.invitee
    owner = target.created_by
    return {"kind": invitation.kind, "for_lawyer": invitation.kind == Invitation.Kind.LAWYER,
            "invited_by": owner.get_full_name() or owner.username, "email": invitation.email,
            "expires_at": invitation.expires_at}
