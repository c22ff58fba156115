from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "evidence.custody"
    label = "custody"
    verbose_name = "Chain of custody"
