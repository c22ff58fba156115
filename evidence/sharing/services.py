"""Sharing a bundle with a lawyer, inviting people to sign up, and logging every access."""

import hashlib
import logging
import re
import secrets
from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence.accounts.models import Role
from evidence.accounts.services import account_open, client_ip
from evidence.common.errors import EvidenceError
from evidence.custody.services import custody_record
from evidence.reports.models import Bundle, BundleStatus
from evidence.sharing import mail
from evidence.sharing.models import Access, Invitation, Invitee, Share

log = logging.getLogger(__name__)
User = get_user_model()
MAX_DAYS = 366  # a share or an invitation lasts a year at most: the borrower renews it if needed
# The account an invitation opens: its user name and the longest password taken (the API's AcceptInput
# and the invitation page check the same).
USERNAME_PATTERN = r"^[\w.@+-]{3,150}$"
PASSWORD_MAX = 4096


class SharingError(EvidenceError):
    status_code = HTTPStatus.BAD_REQUEST


class LawyerNotFound(SharingError):
    code = "lawyer_not_found"
    message = _("No lawyer account has the user name or e-mail address “%(who)s”. "
                "Enter the lawyer's e-mail address to send them an invitation.")


class BadExpiry(SharingError):
    code = "bad_expiry"
    message = _("The expiry must be in the future and at most %(days)s days away.")


class BundleNotDone(SharingError):
    status_code = HTTPStatus.CONFLICT
    code = "not_ready"
    message = _("Only a finished bundle can be shared (this one is %(status)s).")


class AccountDetailsInvalid(SharingError):
    code = "invalid"
    message = _("Choose a user name of 3 to 150 letters, digits or . @ + - _ and a password.")


class InvitationUsed(EvidenceError):
    status_code = HTTPStatus.NOT_FOUND
    code = "invitation_not_found"
    message = _("This invitation link is not valid: it was already used, it expired or it was withdrawn.")


def _check_expiry(expires_at) -> None:
    now = timezone.now()
    if expires_at <= now or expires_at > now + timedelta(days=MAX_DAYS):
        raise BadExpiry(days=MAX_DAYS)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation(*, kind: str, email: str, expires_at, share=None, invitee=None) -> tuple[Invitation, str]:
    """A new single-use link; the token itself is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    expires_at = min(expires_at, timezone.now() + timedelta(days=settings.INVITATION_DAYS))
    invitation = Invitation.objects.create(kind=kind, token_sha256=token_sha256(token), email=email,
                                           share=share, invitee=invitee, expires_at=expires_at)
    return invitation, token


def invite_url(token: str, request=None) -> str:
    path = f"/invite/{token}/"
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


# --- shares ------------------------------------------------------------------------------------
def _find_lawyer(who: str):
    """The active lawyer named by user name or e-mail; None for an e-mail that is not one (invite it).

    Any account that is not an active lawyer's is answered exactly as no account at all: a
    collector who signs up must not learn from a share whether a debtor uses this server.
    """
    who = who.strip()
    user = User.objects.filter(Q(username__iexact=who) | (Q(email__iexact=who) & ~Q(email=""))).first()
    if user is not None and user.role == Role.LAWYER and user.is_active:
        return user
    if "@" in who:
        return None
    raise LawyerNotFound(who=who)


def share_create(*, bundle: Bundle, lawyer: str, expires_at, can_download: bool = True, notify_owner: bool = True,
                 actor, request=None) -> tuple[Share, str | None, bool]:
    """Share a finished bundle with a lawyer; (share, invitation URL or None, whether an e-mail went out)."""
    if bundle.status != BundleStatus.DONE:
        raise BundleNotDone(status=bundle.get_status_display())
    _check_expiry(expires_at)
    account = _find_lawyer(lawyer)
    token = invitation = None
    with transaction.atomic():
        share = Share.objects.create(
            bundle=bundle, case_id=bundle.case_id, lawyer=account, invited_email="" if account else lawyer.strip(),
            can_download=can_download, notify_owner=notify_owner, expires_at=expires_at, created_by=actor)
        if account is None:
            invitation, token = _invitation(kind=Invitation.Kind.LAWYER, email=share.invited_email,
                                            expires_at=expires_at, share=share)
        custody_record(action="share.created", actor=actor, request=request, case_id=bundle.case_id,
                       sha256=bundle.packet_sha256, object_type="share", object_id=share.id,
                       purpose=f"read-only access for {lawyer.strip()}",
                       details={"share": str(share.id), "bundle": str(bundle.id), "lawyer": lawyer.strip(),
                                "expires_at": expires_at.isoformat(), "can_download": can_download,
                                "invited": account is None})
    url = invite_url(token, request) if token else None
    sent = False
    if account is not None:
        sent = mail.share_notice(share, request=request)
    elif url:
        sent = mail.lawyer_invitation(share, url, link_expires_at=invitation.expires_at)
    return share, url, sent


def share_revoke(*, share: Share, actor, request=None) -> Share:
    """Revoke at once (the next request by the lawyer is refused); revoking twice changes nothing."""
    with transaction.atomic():
        updated = Share.objects.filter(id=share.id, revoked_at__isnull=True).update(revoked_at=timezone.now())
        Invitation.objects.filter(share=share, used_at__isnull=True).update(expires_at=timezone.now())
        if updated:
            custody_record(action="share.revoked", actor=actor, request=request, case_id=share.case_id,
                           object_type="share", object_id=share.id,
                           details={"share": str(share.id), "bundle": str(share.bundle_id)})
    share.refresh_from_db()
    return share


def access_record(*, share: Share, what: str, request, item=None, details: dict | None = None) -> Access:
    """Log what the lawyer opened, in the borrower's access log and in the custody log (details: what else
    the custody event keeps, e.g. a search's query and number of hits)."""
    user = request.user
    with transaction.atomic():
        access = Access.objects.create(
            share=share, user=user, what=what, item_id=getattr(item, "id", None), ip=client_ip(request)[:64],
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:256])
        first = Share.objects.filter(id=share.id, first_accessed_at__isnull=True).update(first_accessed_at=access.at)
        custody_record(action=f"share.{what}", actor=user, request=request, case_id=share.case_id,
                       object_type="share", object_id=share.id,
                       item_id=getattr(item, "id", None), sha256=getattr(item, "sha256", ""),
                       details={"share": str(share.id), "bundle": str(share.bundle_id), **(details or {})})
        if first and share.notify_owner:
            transaction.on_commit(lambda: mail.first_access_notice(share, user))
    return access


# --- invitees ----------------------------------------------------------------------------------
def invitee_create(*, case, name: str, relation: str, email: str, expires_at, actor,
                   request=None) -> tuple[Invitee, str, bool]:
    """Invite someone the collectors contacted to add their own evidence; (invitee, URL, e-mailed)."""
    _check_expiry(expires_at)
    with transaction.atomic():
        invitee = Invitee.objects.create(case=case, name=name, relation=relation, email=email,
                                         expires_at=expires_at, created_by=actor)
        invitation, token = _invitation(kind=Invitation.Kind.INVITEE, email=email, expires_at=expires_at,
                                        invitee=invitee)
        custody_record(action="invitee.invited", actor=actor, request=request, case_id=case.id,
                       details={"invitee": str(invitee.id), "name": name, "relation": relation,
                                "expires_at": expires_at.isoformat()})
    url = invite_url(token, request)
    sent = mail.invitee_invitation(invitee, url, link_expires_at=invitation.expires_at) if email else False
    return invitee, url, sent


def invitee_revoke(*, invitee: Invitee, actor, request=None) -> Invitee:
    with transaction.atomic():
        updated = Invitee.objects.filter(id=invitee.id, revoked_at__isnull=True).update(revoked_at=timezone.now())
        Invitation.objects.filter(invitee=invitee, used_at__isnull=True).update(expires_at=timezone.now())
        if updated:
            custody_record(action="invitee.revoked", actor=actor, request=request, case_id=invitee.case_id,
                           details={"invitee": str(invitee.id)})
    invitee.refresh_from_db()
    return invitee


# --- invitations -------------------------------------------------------------------------------
def invitation_open(token: str) -> Invitation:
    """The unused, unexpired invitation behind a link, or InvitationUsed."""
    invitation = (Invitation.objects.select_related("share__case", "share__created_by", "invitee__case",
                                                    "invitee__created_by")
                  .filter(token_sha256=token_sha256(token or ""), used_at__isnull=True, expires_at__gt=timezone.now())
                  .first())
    if invitation is None:
        raise InvitationUsed()
    target = invitation.share or invitation.invitee
    if target is None or target.revoked_at:
        raise InvitationUsed()
    return invitation


def _check_account_details(username: str, password: str, email: str) -> None:
    if not re.fullmatch(USERNAME_PATTERN, username or "") or not password or len(password) > PASSWORD_MAX:
        raise AccountDetailsInvalid()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AccountDetailsInvalid() from None


def invitation_accept(*, token: str, username: str, password: str, email: str = "", request=None):
    """Create the invited person's account and give it the share or the grant; the link then stops working.

    The same for the invitation page and POST /api/invitations/{token}/accept/: a user name or an
    e-mail address that is not one is AccountDetailsInvalid, whoever sent it.
    """
    _check_account_details(username, password, email)
    with transaction.atomic():
        invitation = invitation_open(token)
        # Locked, then checked again: two clicks at once make one account.
        invitation = Invitation.objects.select_for_update().get(id=invitation.id)
        if invitation.used_at is not None:
            raise InvitationUsed()
        role = Role.LAWYER if invitation.kind == Invitation.Kind.LAWYER else Role.INVITEE
        user = account_open(username=username, password=password, role=role, email=email or invitation.email,
                            request=request)
        now = timezone.now()
        Invitation.objects.filter(id=invitation.id).update(used_at=now, used_by=user)
        if invitation.share_id:
            Share.objects.filter(id=invitation.share_id).update(lawyer=user)
            case_id = invitation.share.case_id
        else:
            Invitee.objects.filter(id=invitation.invitee_id).update(user=user)
            case_id = invitation.invitee.case_id
        custody_record(action="invitation.accepted", actor=user, request=request, case_id=case_id,
                       details={"invitation": str(invitation.id), "kind": invitation.kind})
    return user
