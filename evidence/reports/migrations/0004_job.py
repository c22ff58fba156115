"""A bundle is a long job (evidence.common.jobs.Job): the jobs' `errors` list beside its one `error`.

0005 copies every failed bundle's reason across and 0006 drops `error`; each is its own
migration, so PostgreSQL never alters the table in the transaction that updated its rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="bundle",
            name="errors",
            field=models.JSONField(blank=True, default=list, help_text="Why it failed: [{code, params}]."),
        ),
        migrations.AlterField(
            model_name="bundle",
            name="attempt",
            field=models.PositiveIntegerField(default=0, help_text="Each run claims the next; a stale run gives way."),
        ),
        migrations.AlterField(
            model_name="bundle",
            name="progress",
            field=models.PositiveSmallIntegerField(default=0, help_text="0–100; it never goes back, not even on a retry."),
        ),
        migrations.AlterField(
            model_name="bundle",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                default="queued", max_length=16,
            ),
        ),
    ]
