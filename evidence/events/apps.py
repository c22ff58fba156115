from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "evidence.events"
    label = "events"
    verbose_name = "Calls and messages"
