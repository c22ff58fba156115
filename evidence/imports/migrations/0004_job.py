"""An import is a long job (evidence.common.jobs.Job): only the fields' descriptions change."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0003_heartbeat"),
    ]

    operations = [
        migrations.AlterField(
            model_name="import",
            name="errors",
            field=models.JSONField(blank=True, default=list, help_text="Why it failed: [{code, params}]."),
        ),
        migrations.AlterField(
            model_name="import",
            name="progress",
            field=models.PositiveSmallIntegerField(default=0, help_text="0–100; it never goes back, not even on a retry."),
        ),
    ]
