from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "evidence.sharing"
    label = "sharing"
    verbose_name = "Sharing with lawyers and helpers"
