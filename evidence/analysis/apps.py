from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "evidence.analysis"
    label = "analysis"
    verbose_name = "Findings"

    def ready(self):
        from evidence.analysis.tasks import analyse_when_revised
        from evidence.cases.signals import case_revised

        case_revised.connect(analyse_when_revised, dispatch_uid="analysis.analyse_when_revised")

        from evidence.analysis.services import finding_event_ids
        from evidence.events.selectors import finding_resolver_register

        finding_resolver_register(finding_event_ids)
