"""People with roles, and a few listings maintained by their organizations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from plainsight.directory import models as m
from plainsight.directory.tests import factories
from plainsight.partners.models import Membership, Role
from plainsight.partners.models import Organization as Partner


@dataclass
class World:
    coalition: Partner
    alliance: Partner
    clinic: Partner
    coordinator: Any
    alliance_admin: Any
    alliance_advocate: Any
    clinic_admin: Any
    nobody: Any
    shelter: m.Service
    legal: m.Service
    orphan: m.Service
    shelter_location: m.Location


def person(username: str, organization: Partner | None = None, role: str = "") -> Any:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=None
    )
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    coalition = Partner.objects.create(name="Coalition", slug="coalition", kind="coalition")
    alliance = Partner.objects.create(name="Alliance", slug="alliance", kind="victim_services")
    clinic = Partner.objects.create(name="Legal Clinic", slug="clinic", kind="other")
    shelter_org = factories.OrganizationFactory.create(
        name="Alliance (directory)", partner=alliance
    )
    legal_org = factories.OrganizationFactory.create(name="Clinic (directory)", partner=clinic)
    shelter = factories.ServiceFactory.create(organization=shelter_org, name="Emergency Shelter")
    location = factories.LocationFactory.create(organization=shelter_org, name="Safe house")
    factories.AddressFactory.create(location=location)
    factories.ServiceAtLocationFactory.create(service=shelter, location=location)
    factories.PhoneFactory.create(service=shelter, number="661-555-0101")
    legal = factories.ServiceFactory.create(organization=legal_org, name="Free Legal Help")
    orphan = factories.ServiceFactory.create(name="Unmaintained Listing")
    return World(
        coalition=coalition,
        alliance=alliance,
        clinic=clinic,
        coordinator=person("coordinator", coalition, Role.COORDINATOR),
        alliance_admin=person("alliance-admin", alliance, Role.ORG_ADMIN),
        alliance_advocate=person("alliance-advocate", alliance, Role.INTAKE_ADVOCATE),
        clinic_admin=person("clinic-admin", clinic, Role.ORG_ADMIN),
        nobody=person("nobody"),
        shelter=shelter,
        legal=legal,
        orphan=orphan,
        shelter_location=location,
    )
