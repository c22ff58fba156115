from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evidence.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from evidence.accounts import tokens  # noqa: F401 - a changed password ends the account's tokens
