"""Parent organizations and parent terms are ordinary foreign keys now (the database
checks them): an id outside the directory waits in ``unresolved_links``."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_move_dangling_parents")]

    operations = [
        migrations.AlterField(
            model_name="organization",
            name="parent_organization",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="child_organizations",
                to="directory.organization",
                verbose_name="parent organization",
            ),
        ),
        migrations.AlterField(
            model_name="taxonomyterm",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="children",
                to="directory.taxonomyterm",
                verbose_name="parent term",
            ),
        ),
    ]
