"""The database enforces the HSDS invariants the importer and the UI rely on."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from plainsight.directory import models
from plainsight.directory.tests import factories

pytestmark = pytest.mark.django_db


def _refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_service_status_must_be_an_hsds_status():
    org = factories.OrganizationFactory.create()
    assert _refused(
        lambda: models.Service.objects.create(organization=org, name="x", status="open")
    )
    service = models.Service.objects.create(
        organization=org, name="x", status=models.ServiceStatus.TEMPORARILY_CLOSED
    )
    assert service.status == "temporarily closed"


def test_age_range_must_not_be_inverted():
    org = factories.OrganizationFactory.create()
    assert _refused(
        lambda: models.Service.objects.create(
            organization=org, name="x", minimum_age=18, maximum_age=12
        )
    )


def test_children_may_belong_to_nothing_as_hsds_allows():
    """HSDS requires no link column: an imported url naming no parent is kept (and shown
    nowhere, since every reader goes through a parent)."""
    url = models.Url.objects.create(url="https://example.org")
    phone = models.Phone.objects.create(
        number="911", unresolved_links={"service_id": "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4"}
    )
    assert url.pk and phone.service_id is None


def test_one_phone_may_belong_to_several_parents_at_once():
    sal = factories.ServiceAtLocationFactory.create()
    phone = models.Phone.objects.create(
        number="+1 661-555-0100",
        service=sal.service,
        location=sal.location,
        service_at_location=sal,
        organization=sal.service.organization,
    )
    assert list(sal.service.phones.all()) == [phone]
    assert list(sal.location.phones.all()) == [phone]
    assert list(sal.phones.all()) == [phone]


def test_schedule_codes_and_validity_are_checked():
    service = factories.ServiceFactory.create()
    assert _refused(lambda: models.Schedule.objects.create(service=service, freq="DAILY"))
    assert _refused(lambda: models.Schedule.objects.create(service=service, wkst="XX"))
    assert _refused(
        lambda: models.Schedule.objects.create(
            service=service, valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 1, 1)
        )
    )


def test_location_needs_both_coordinates_or_none():
    assert _refused(lambda: models.Location.objects.create(name="x", latitude=35.0))
    # HSDS's own example uses latitude 100: stored, the importer warns.
    models.Location.objects.create(name="x", latitude=100, longitude=101)


def test_term_codes_are_unique_within_a_taxonomy_only():
    taxonomy = factories.TaxonomyFactory.create()
    factories.TaxonomyTermFactory.create(taxonomy_detail=taxonomy, code="shelter")
    assert _refused(
        lambda: factories.TaxonomyTermFactory.create(taxonomy_detail=taxonomy, code="shelter")
    )
    factories.TaxonomyTermFactory.create(code="shelter")  # another taxonomy
    factories.TaxonomyTermFactory.create(taxonomy_detail=taxonomy, code="")
    factories.TaxonomyTermFactory.create(taxonomy_detail=taxonomy, code="")


def test_one_service_at_a_location_once():
    sal = factories.ServiceAtLocationFactory.create()
    assert _refused(
        lambda: models.ServiceAtLocation.objects.create(service=sal.service, location=sal.location)
    )


def test_phone_call_outcome_is_a_known_code():
    service = factories.ServiceFactory.create()
    assert _refused(
        lambda: models.Phone.objects.create(service=service, number="1", call_outcome="secret")
    )


def test_capacity_cannot_be_negative():
    service = factories.ServiceFactory.create()
    unit = models.Unit.objects.create(name="Bed")
    assert _refused(
        lambda: models.ServiceCapacity.objects.create(
            service=service, unit=unit, available=-1, updated=dt.datetime.now(dt.UTC)
        )
    )


def test_parent_links_are_checked_foreign_keys():
    """A parent outside the directory waits in unresolved_links, never in the key."""
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Organization.objects.create(
            name="x", description="y", parent_organization_id=uuid.uuid4()
        )
        connection.check_constraints(table_names=[models.Organization._meta.db_table])


def test_a_capacity_names_its_unit_held_or_not():
    """HSDS requires a capacity's unit: a capacity holds its unit, or keeps the id of
    one the directory does not hold (then exports name it as unknown)."""
    service = factories.ServiceFactory.create()
    now = dt.datetime.now(dt.UTC)
    assert _refused(
        lambda: models.ServiceCapacity.objects.create(service=service, available=1, updated=now)
    )
    assert _refused(
        lambda: models.ServiceCapacity.objects.create(
            service=service, available=1, updated=now, unresolved_links={"service_id": "x"}
        )
    )
    waiting = models.ServiceCapacity.objects.create(
        service=service,
        available=1,
        updated=now,
        unresolved_links={"unit_id": "187a37a2-7b40-11ef-9790-dbf7623d4407"},
    )
    unit = models.Unit.objects.create(name="Bed")
    held = models.ServiceCapacity(service=service, unit=unit, available=2, updated=now)
    held.full_clean()  # the check is also the model's (what staff edits go through)
    held.save()
    unnamed = models.ServiceCapacity(service=service, available=2, updated=now)
    with pytest.raises(ValidationError):
        unnamed.full_clean()
    waiting.full_clean()
    # Nor can the unit of a capacity go away.
    with pytest.raises(ProtectedError):
        unit.delete()
    assert _refused(lambda: models.ServiceCapacity.objects.filter(pk=held.pk).update(unit=None))
