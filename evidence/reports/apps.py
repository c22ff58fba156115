from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "evidence.reports"
    label = "reports"
    verbose_name = "Reports and packets"
