"""Migration 0012: every capacity names its unit, and none is lost on the way."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plainsight.directory import exporting, models
from plainsight.directory.tests.conftest import validate

BEFORE = [("directory", "0011_export_job")]
UNIT_NOT_HELD = "187a37a2-7b40-11ef-9790-dbf7623d4407"
UNIT_NOT_STATED = "d2512ce3-a4b6-5b26-a016-d077ef239375"


@pytest.mark.django_db(transaction=True)
def test_a_capacity_that_named_no_unit_is_kept_and_named_as_unknown():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        organization = old.get_model("directory", "Organization").objects.create(
            name="Alliance", description="Shelter"
        )
        service = old.get_model("directory", "Service").objects.create(
            organization=organization, name="Beds", status="active"
        )
        bed = old.get_model("directory", "Unit").objects.create(name="bed")
        capacity = old.get_model("directory", "ServiceCapacity").objects
        now = dt.datetime.now(dt.UTC)
        held = capacity.create(service=service, unit=bed, available=1, updated=now)
        waiting = capacity.create(
            service=service, available=2, updated=now, unresolved_links={"unit_id": UNIT_NOT_HELD}
        )
        unnamed = capacity.create(
            service=service, available=3, updated=now, unresolved_links={"x_id": "y"}
        )
        bare = capacity.create(service=service, available=4, updated=now)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    links = dict(models.ServiceCapacity.objects.values_list("pk", "unresolved_links"))
    assert links == {
        held.pk: None,
        waiting.pk: {"unit_id": UNIT_NOT_HELD},
        unnamed.pk: {"x_id": "y", "unit_id": UNIT_NOT_STATED},
        bare.pk: {"unit_id": UNIT_NOT_STATED},
    }
    stream = io.StringIO()
    exporting.export_json(stream)
    (document,) = json.loads(stream.getvalue())
    validate("service", document, profiled=False)
    units = {c["id"]: (c["available"], c["unit"]["id"]) for c in document["capacities"]}
    assert units == {
        str(held.pk): (1, str(bed.pk)),
        str(waiting.pk): (2, UNIT_NOT_HELD),
        str(unnamed.pk): (3, UNIT_NOT_STATED),
        str(bare.pk): (4, UNIT_NOT_STATED),
    }
