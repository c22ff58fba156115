"""Trigram indexes for case search on the searched columns of events, recognised text and items.

PostgreSQL: the pg_trgm extension and a GIN index (gin_trgm_ops) on UPPER(column) of each column.
SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers (evidence/search/backends.py).
Any other database: nothing (searches scan).
"""

from django.db import migrations


def create(apps, schema_editor):
    from evidence.search.backends import install

    install(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from evidence.search.backends import uninstall

    uninstall(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0003_fewer_event_indexes"),
        ("intake", "0006_evidenceitem_summary"),
        ("ocr", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
