"""A capacity always names its unit: the unit itself, or the id of one the directory does
not hold, kept in ``unresolved_links`` (HSDS requires a capacity's unit; exports write
every capacity, see ``hsds.unknown_unit``).

No code path writes a capacity that names no unit at all; one written by hand is kept,
not deleted, and given the id below, which names "the unit nobody stated" (exports
write it as an unknown unit, like any other unit the directory does not hold).
"""

from django.db import migrations, models

UNIT_NOT_STATED = "d2512ce3-a4b6-5b26-a016-d077ef239375"  # uuid5(URL, "plainsight:unit:not-stated")


def name_a_unit(apps, schema_editor):
    capacity_model = apps.get_model("directory", "ServiceCapacity")
    unnamed = capacity_model.objects.filter(unit__isnull=True)
    for row in unnamed.only("pk", "unresolved_links").iterator():
        links = dict(row.unresolved_links or {})
        if "unit_id" not in links:
            links["unit_id"] = UNIT_NOT_STATED
            capacity_model.objects.filter(pk=row.pk).update(unresolved_links=links)


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_export_job")]

    operations = [
        migrations.RunPython(name_a_unit, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="servicecapacity",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit__isnull", False))
                | models.Q(
                    ("unresolved_links__has_key", "unit_id"), ("unresolved_links__isnull", False)
                ),
                name="dir_capacity_names_unit",
            ),
        ),
    ]
