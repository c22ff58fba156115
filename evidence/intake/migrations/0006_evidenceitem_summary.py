from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0005_occurred_at_source_filename'),
    ]

    operations = [
        migrations.AddField(
            model_name='evidenceitem',
            name='summary',
            field=models.CharField(blank=True, help_text='内容摘要: what the borrower says this item holds (for the exhibit list).', max_length=500),
        ),
    ]
