"""On PostgreSQL, refuse every UPDATE and DELETE of a custody event in the database itself.

The ORM already refuses (CustodyEvent.save/delete, its queryset's update/delete); the trigger
also stops raw SQL, a shell and other programs. There is deliberately no TRUNCATE trigger:
test teardown truncates tables. A superuser can still disable the trigger; verify_audit then
finds the changed or missing rows through the hash chain.
"""

from django.db import migrations

TRIGGER = "custody_custodyevent_append_only"
FUNCTION = "custody_custodyevent_refuse_change"


def _table(apps, schema_editor) -> str:
    return schema_editor.quote_name(apps.get_model("custody", "CustodyEvent")._meta.db_table)


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the function body's % placeholders are PL/pgSQL's, not the driver's.
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'custody log is append-only: % of event #% refused', TG_OP, OLD.seq
                USING ERRCODE = 'restrict_violation';
        END;
        $$
        """,
        params=None,
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {_table(apps, schema_editor)} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        params=None,
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_table(apps, schema_editor)}", params=None)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('custody', '0002_event_purpose_object_sha256_before'),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
