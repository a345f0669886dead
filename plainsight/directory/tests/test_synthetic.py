"""The synthetic directory generator: realistic, deterministic, valid HSDS."""

from __future__ import annotations

import datetime as dt

import pytest

from plainsight.directory import models, places, serializers, synthetic
from plainsight.directory.tests.conftest import validate

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_generates_the_requested_number_of_valid_services():
    summary = synthetic.generate(services=120, seed=7, reference_time=MOMENT)
    assert summary.services == models.Service.objects.count() == 120
    assert models.Organization.objects.count() == summary.organizations
    services = list(models.Service.objects.all()[:20])
    graph = serializers.load_graph(service_ids=[s.pk for s in services])
    for service in services:
        validate("service", serializers.render("service", graph.rows["service"][service.pk], graph))
    for location in models.Location.objects.exclude(confidential=True):
        assert places.valid_coordinates(location.latitude, location.longitude)
        assert location.latitude is not None and location.longitude is not None
        assert 32 < location.latitude < 42.1 and -124.6 < location.longitude < -114
    assert models.Attribute.objects.count() >= 120
    assert models.Location.objects.filter(confidential=True).exists() or summary.services < 50


def test_same_seed_same_directory():
    synthetic.generate(services=40, seed=3, reference_time=MOMENT)
    first = sorted(models.Service.objects.values_list("id", "name"))
    models.Attribute.objects.all().delete()  # polymorphic links: no cascade
    models.Service.objects.all().delete()
    models.Organization.objects.all().delete()
    synthetic.generate(services=40, seed=3, reference_time=MOMENT)
    assert sorted(models.Service.objects.values_list("id", "name")) == first
