from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "evidence.storage"
    label = "storage"
    verbose_name = "Storage"
