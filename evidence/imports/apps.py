from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "evidence.imports"
    label = "imports"
    verbose_name = "Phone exports"
