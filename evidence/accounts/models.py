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
