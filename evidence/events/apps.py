from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "evidence.events"
    label = "events"
    verbose_name = "Calls and messages"

    def ready(self):
        # Intake sits below this app and never imports it: it calls whoever registered.
        from evidence.events.services import recordings_link
        from evidence.intake.services import recording_listener_register

        recording_listener_register(recordings_link)
