"""Who may change which record: coordinators, organization admins, members, others."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from plainsight.directory.upkeep import permissions
from plainsight.partners.models import Membership

pytestmark = pytest.mark.django_db


def editable(user) -> set[str]:
    return set(permissions.editable_services_for(user).values_list("name", flat=True))


def test_a_coordinator_edits_every_record(world):
    assert editable(world.coordinator) == {
        "Emergency Shelter",
        "Free Legal Help",
        "Unmaintained Listing",
    }
    assert permissions.can_assign_partner(world.coordinator)
    assert permissions.editable_locations_for(world.coordinator).count() >= 1


def test_an_organization_admin_edits_only_their_organizations_records(world):
    assert editable(world.alliance_admin) == {"Emergency Shelter"}
    assert permissions.can_edit_service(world.alliance_admin, world.shelter)
    assert not permissions.can_edit_service(world.alliance_admin, world.legal)
    assert not permissions.can_edit_service(world.alliance_admin, world.orphan)
    assert editable(world.clinic_admin) == {"Free Legal Help"}
    assert not permissions.can_assign_partner(world.alliance_admin)
    assert list(permissions.editable_locations_for(world.alliance_admin)) == [
        world.shelter_location
    ]
    assert not permissions.editable_locations_for(world.clinic_admin).exists()


def test_any_member_of_the_maintaining_partner_updates_capacity_but_edits_nothing(world):
    advocate = world.alliance_advocate
    assert editable(advocate) == set()
    assert permissions.can_update_capacity(advocate, world.shelter)
    assert not permissions.can_update_capacity(advocate, world.legal)
    assert permissions.can_use_directory_upkeep(advocate)


def test_people_without_a_role_and_visitors_get_nothing(world):
    for user in (world.nobody, AnonymousUser(), None):
        assert editable(user) == set()
        assert not permissions.can_use_directory_upkeep(user)
        assert not permissions.can_update_capacity(user, world.shelter)


def test_inactive_memberships_and_organizations_count_for_nothing(world):
    Membership.objects.filter(user=world.alliance_admin).update(is_active=False)
    assert editable(world.alliance_admin) == set()
    world.coalition.is_active = False
    world.coalition.save()
    assert editable(world.coordinator) == set()
    world.coordinator.is_active = False
    assert not permissions.is_coordinator(world.coordinator)
