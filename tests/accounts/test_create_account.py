import pytest
from django.core.management import CommandError, call_command

from evidence.accounts.models import User


def test_it_creates_a_lawyer_with_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", "a long enough passphrase 42")

    call_command("create_account", "lawyer_chen", "--role", "lawyer", "--email", "chen@example.org")

    user = User.objects.get(username="lawyer_chen")
    assert user.role == "lawyer"
    assert user.check_password("a long enough passphrase 42")


def test_it_refuses_without_a_password(db, monkeypatch):
    monkeypatch.delenv("ACCOUNT_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="ACCOUNT_PASSWORD"):
        call_command("create_account", "x", "--role", "borrower")


def test_it_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", "123456")

    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_account", "x", "--role", "borrower")
    assert not User.objects.exists()


def test_it_refuses_an_unknown_role(db, monkeypatch):
    monkeypatch.setenv("ACCOUNT_PASSWORD", "a long enough passphrase 42")

    with pytest.raises(CommandError):
        call_command("create_account", "x", "--role", "collector")
