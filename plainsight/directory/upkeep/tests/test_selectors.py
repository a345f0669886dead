"""Reads of the upkeep screens: the staleness queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plainsight.directory.upkeep import selectors

pytestmark = pytest.mark.django_db


def stale_names(user, **kwargs) -> list[str]:
    return [service.name for service in selectors.stale_services_for(user, **kwargs)]


def test_the_staleness_queue_lists_never_verified_listings_first(world):
    # PostgreSQL sorts empty values last unless told otherwise; SQLite sorts them first.
    world.legal.assured_date = timezone.localdate() - dt.timedelta(days=400)
    world.legal.save()
    assert stale_names(world.coordinator, days=30) == [
        "Emergency Shelter",
        "Unmaintained Listing",
        "Free Legal Help",
    ]


@pytest.mark.parametrize(("age", "stale"), [(29, False), (30, True), (31, True)])
def test_a_listing_joins_the_queue_once_it_has_gone_n_days_unverified(world, age, stale):
    today = dt.date(2026, 3, 9)
    world.shelter.assured_date = today - dt.timedelta(days=age)
    world.shelter.save()
    assert ("Emergency Shelter" in stale_names(world.coordinator, days=30, today=today)) is stale
