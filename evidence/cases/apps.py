from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "evidence.cases"
    label = "cases"
    verbose_name = "Cases"
