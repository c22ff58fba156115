from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "evidence.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_index_in_place, sender=self, dispatch_uid="search.index_in_place")


def _index_in_place(sender, using="default", plan=None, **kwargs):
    """After every `migrate`: put back what a migration of a source table may have dropped.

    On SQLite, Django rebuilds a table for most column changes, and its triggers go with the
    old table; backends.install() sees that and re-reads every row. A no-op otherwise.
    """
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[using])
    if recorder.has_table() and ("search", "0001_trigram_indexes") in recorder.applied_migrations():
        from evidence.search.backends import install

        install(using)
