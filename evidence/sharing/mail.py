"""E-mails about shares and invitations: in Chinese and English, since we rarely know the reader's language.

Sending never decides whether a share exists: a failure is logged and reported back as "not sent",
and the borrower still has the link to pass on another way.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from evidence.sharing.templatetags.case_time import zoned_text

log = logging.getLogger(__name__)
LANGUAGES = ("zh-hans", "en")


def _both(render) -> str:
    """The text in Chinese, then in English."""
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(render())
    return "\n\n———\n\n".join(parts)


def _send(to: str, subject, body) -> bool:
    if not to:
        return False
    try:
        send_mail(_both(subject).replace("\n\n———\n\n", " / "), _both(body), settings.DEFAULT_FROM_EMAIL, [to])
        return True
    except (smtplib.SMTPException, OSError):
        log.exception("could not send mail to %s", to)
        return False


def _who(user) -> str:
    return user.get_full_name() or user.username


def lawyer_invitation(share, url: str, *, link_expires_at) -> bool:
    """The sign-up link for a lawyer without an account; it expires before the share may (INVITATION_DAYS)."""
    owner = _who(share.created_by)
    return _send(
        share.invited_email,
        lambda: _("%(owner)s shared evidence with you on Evidence Locker") % {"owner": owner},
        lambda: _("%(owner)s shared a signed evidence bundle about debt-collection harassment with you.\n\n"
                  "Open this link to create your lawyer account and see it. The link works once and "
                  "expires on %(expires)s:\n%(url)s\n\nIf you did not expect this, ignore this e-mail.")
        % {"owner": owner, "url": url, "expires": zoned_text(link_expires_at, share.case.timezone)},
    )


def share_notice(share, request=None) -> bool:
    owner = _who(share.created_by)
    path = reverse("shared-page", args=[share.id])
    url = settings.SITE_URL.rstrip("/") + path if settings.SITE_URL else (
        request.build_absolute_uri(path) if request is not None else path)
    return _send(
        share.lawyer.email,
        lambda: _("%(owner)s shared evidence with you on Evidence Locker") % {"owner": owner},
        lambda: _("%(owner)s shared a signed evidence bundle with you until %(expires)s. Sign in to see it:\n%(url)s")
        % {"owner": owner, "url": url, "expires": zoned_text(share.expires_at, share.case.timezone)},
    )


def invitee_invitation(invitee, url: str, *, link_expires_at) -> bool:
    owner = _who(invitee.created_by)
    return _send(
        invitee.email,
        lambda: _("%(owner)s asks you to add evidence on Evidence Locker") % {"owner": owner},
        lambda: _("Debt collectors who are harassing %(owner)s also contacted you. %(owner)s asks you to add "
                  "the screenshots, recordings or call logs you have to the case.\n\nOpen this link to make an "
                  "account; you will see only what you add yourself. The link works once and expires on "
                  "%(expires)s:\n%(url)s")
        % {"owner": owner, "url": url, "expires": zoned_text(link_expires_at, invitee.case.timezone)},
    )


def first_access_notice(share, lawyer) -> bool:
    return _send(
        share.created_by.email,
        lambda: _("%(lawyer)s opened the evidence you shared") % {"lawyer": _who(lawyer)},
        lambda: _("%(lawyer)s opened the bundle you shared with them. Every later access is in the share's access "
                  "log. You can revoke the share at any time.") % {"lawyer": _who(lawyer)},
    )
