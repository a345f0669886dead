from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory_upkeep", "0001_reports_and_verifications"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="problemreport",
            index=models.Index(fields=["created_at"], name="upkeep_report_received"),
        ),
    ]
