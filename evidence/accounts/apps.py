from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evidence.accounts"
    label = "accounts"
    verbose_name = "Accounts"
