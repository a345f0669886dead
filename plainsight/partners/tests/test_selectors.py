"""Organization selectors: another organization's things are not found."""

from __future__ import annotations

import pytest
from django.http import Http404

from plainsight.accounts.tests.factories import UserFactory
from plainsight.partners import selectors
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def member(organization, role):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=organization, role=role)
    return user


def test_admins_see_their_organization_only() -> None:
    a, b = OrganizationFactory.create(), OrganizationFactory.create()
    admin_a = member(a, Role.ORG_ADMIN)
    person_b = member(b, Role.CASE_MANAGER)
    assert list(selectors.organizations_administered_by(user=admin_a)) == [a]
    assert selectors.organization_for_admin(user=admin_a, organization_id=a.pk) == a
    with pytest.raises(Http404):
        selectors.organization_for_admin(user=admin_a, organization_id=b.pk)
    with pytest.raises(Http404):
        selectors.organization_for_admin(user=admin_a, organization_id="not-a-uuid")
    assert list(selectors.people_for(user=admin_a, organization=b)) == []
    with pytest.raises(Http404):
        selectors.person_for(user=admin_a, organization=a, person_id=person_b.pk)
    with pytest.raises(Http404):
        selectors.person_for(user=admin_a, organization=b, person_id=person_b.pk)


def test_non_admins_see_nothing() -> None:
    a = OrganizationFactory.create()
    case_manager = member(a, Role.CASE_MANAGER)
    assert not selectors.organizations_administered_by(user=case_manager).exists()
    assert not selectors.organizations_for_platform(user=case_manager).exists()


def test_platform_admins_see_every_organization() -> None:
    a, b = OrganizationFactory.create(), OrganizationFactory.create()
    platform = member(a, Role.PLATFORM_ADMIN)
    person_b = member(b, Role.ANALYST)
    assert set(selectors.organizations_administered_by(user=platform)) == {a, b}
    assert selectors.person_for(user=platform, organization=b, person_id=person_b.pk) == person_b


def test_people_carry_their_roles_here_only() -> None:
    a, b = OrganizationFactory.create(), OrganizationFactory.create()
    admin = member(a, Role.ORG_ADMIN)
    both = member(a, Role.CASE_MANAGER)
    MembershipFactory.create(user=both, organization=b, role=Role.ANALYST)
    person = selectors.person_for(user=admin, organization=a, person_id=both.pk)
    assert selectors.roles_in(person, a) == {Role.CASE_MANAGER}
