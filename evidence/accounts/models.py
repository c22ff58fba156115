from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    LAWYER = "lawyer", _("Lawyer")
    INVITEE = "invitee", _("Invitee (adds evidence to one case they were invited to)")


class User(AbstractUser):
    """A person who signs in: a borrower who owns cases, a lawyer they share with, or an invitee
    (a relative or colleague the collectors contacted) who adds evidence to one case."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BORROWER)

    @property
    def is_borrower(self) -> bool:
        return self.role == Role.BORROWER

    @property
    def is_lawyer(self) -> bool:
        return self.role == Role.LAWYER


class ApiToken(models.Model):
    """A signed-in device: one per sign-in, so each phone or browser can be seen and signed out alone.

    Only the key's SHA-256 is stored: a copy of the database lets no one sign in. A token lapses
    after TOKEN_DAYS without use, and all of a user's tokens end when the password changes.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_sha256 = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to tell devices apart.")
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_used_at"]
