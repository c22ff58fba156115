"""A failed bundle's {code, params} becomes the only entry of `errors`; the way back keeps the first."""

from django.db import migrations


def error_to_errors(apps, schema_editor):
    Bundle = apps.get_model("reports", "Bundle")
    for bundle in Bundle.objects.filter(error__isnull=False).only("id", "error").iterator():
        Bundle.objects.filter(id=bundle.id).update(errors=[bundle.error])


def errors_to_error(apps, schema_editor):
    Bundle = apps.get_model("reports", "Bundle")
    for bundle in Bundle.objects.exclude(errors=[]).only("id", "errors").iterator():
        Bundle.objects.filter(id=bundle.id).update(error=bundle.errors[0])


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_job"),
    ]

    operations = [
        migrations.RunPython(error_to_errors, errors_to_error),
    ]
