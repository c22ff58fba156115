from django.apps import AppConfig


class TwinsConfig(AppConfig):
    name = "evidence.twins"
    label = "twins"
    verbose_name = "Near-duplicate pictures"

    def ready(self):
        from evidence.intake.api import evidence_output_part_register
        from evidence.intake.services import processing_job_register
        from evidence.ocr.services import text_read_register
        from evidence.twins import tasks
        from evidence.twins.api import TwinsField
        from evidence.twins.services import twins_refresh_after_text

        # Intake and text recognition sit below this app: a stored picture is compared at once
        # (by its look), and again once its text is read (a crop has the same messages).
        processing_job_register(tasks.find_twins)
        text_read_register(twins_refresh_after_text)
        evidence_output_part_register("twins", TwinsField, prefetch="twins__other")
