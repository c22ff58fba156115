from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "evidence.submissions"
    label = "submissions"
    verbose_name = "Submissions to authorities and lawyers"

    def ready(self):
        # Reports sit below this app and never import it: they ask whoever registered.
        from evidence.reports.sections import register_submissions_provider
        from evidence.submissions.selectors import submission_rows_for_report

        register_submissions_provider(submission_rows_for_report)
