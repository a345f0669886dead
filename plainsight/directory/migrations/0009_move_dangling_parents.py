"""Dangling parent organizations and parent terms move from the foreign key (which had no
database constraint) to ``unresolved_links``: no foreign key holds a broken link."""

from django.db import migrations


def move_dangling_parents(apps, schema_editor):
    for model_name, attname, column in (
        ("Organization", "parent_organization_id", "parent_organization_id"),
        ("TaxonomyTerm", "parent_id", "parent_id"),
    ):
        model = apps.get_model("directory", model_name)
        known = model.objects.values("pk")
        dangling = model.objects.filter(**{f"{attname}__isnull": False}).exclude(
            **{f"{attname}__in": known}
        )
        for row in dangling.only("pk", attname, "unresolved_links").iterator():
            links = dict(row.unresolved_links or {})
            links[column] = str(getattr(row, attname))
            model.objects.filter(pk=row.pk).update(**{attname: None, "unresolved_links": links})


def restore_dangling_parents(apps, schema_editor):
    for model_name, attname, column in (
        ("Organization", "parent_organization_id", "parent_organization_id"),
        ("TaxonomyTerm", "parent_id", "parent_id"),
    ):
        model = apps.get_model("directory", model_name)
        for row in model.objects.filter(unresolved_links__has_key=column).iterator():
            links = dict(row.unresolved_links)
            value = links.pop(column)
            model.objects.filter(pk=row.pk).update(
                **{attname: value, "unresolved_links": links or None}
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_unresolved_links")]

    operations = [migrations.RunPython(move_dangling_parents, restore_dangling_parents)]
