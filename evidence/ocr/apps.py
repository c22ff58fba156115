from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "evidence.ocr"
    label = "ocr"
    verbose_name = "Text recognition"

    def ready(self):
        from evidence.intake.api import evidence_output_part_register
        from evidence.intake.services import processing_job_register
        from evidence.ocr import tasks
        from evidence.ocr.api import RecognizedTextField

        # Intake sits below this app and never imports it: it queues text recognition after every
        # upload, and shows the text on every item, through what registered here.
        processing_job_register(tasks.recognise_text)
        evidence_output_part_register("text", RecognizedTextField, related="recognized_text")
