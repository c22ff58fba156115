"""`errors` holds why a bundle failed (0005 copied it there): `error` goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0005_job_errors"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="bundle",
            name="error",
        ),
    ]
