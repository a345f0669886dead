"""Demo organizations."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured

from plainsight.partners import demo
from plainsight.partners.models import Organization

pytestmark = pytest.mark.django_db


def test_demo_organizations_are_marked_and_idempotent() -> None:
    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    organizations = Organization.objects.all()
    assert organizations.count() == 5
    assert all(
        o.is_demo and o.name.endswith(" (demo)") and o.service_counties == ["Kern"]
        for o in organizations
    )
    kinds = set(organizations.values_list("kind", flat=True))
    assert {
        "coalition",
        "victim_services",
        "tribal_program",
        "family_justice_center",
        "school_partner",
    } == kinds


def test_never_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        demo.load(stdout=io.StringIO())
    assert not Organization.objects.exists()
