"""Audit log reads: an organization's admins see its events, nobody else does."""

from __future__ import annotations

import pytest

from plainsight.accounts.tests.factories import UserFactory
from plainsight.audit.selectors import audit_actions_for, audit_events_for
from plainsight.audit.services import audit_record
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def member(organization, role):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=organization, role=role)
    return user


def test_organization_admins_see_their_organization_newest_first() -> None:
    a, b = OrganizationFactory.create(), OrganizationFactory.create()
    admin = member(a, Role.ORG_ADMIN)
    audit_record(actor=admin, action="x.first", organization=a)
    audit_record(actor=admin, action="x.second", organization=a)
    audit_record(actor=None, action="y.elsewhere", organization=b)
    audit_record(actor=None, action="z.nowhere")
    assert [e.action for e in audit_events_for(user=admin, organization=a)] == [
        "x.second",
        "x.first",
    ]
    assert not audit_events_for(user=admin, organization=b).exists()
    assert audit_actions_for(user=admin, organization=a) == ["x.first", "x.second"]


def test_other_roles_and_organizations_see_nothing() -> None:
    a = OrganizationFactory.create()
    audit_record(actor=None, action="x.done", organization=a)
    for role in (Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR, Role.ANALYST):
        assert not audit_events_for(user=member(a, role), organization=a).exists()
    assert not audit_events_for(
        user=member(OrganizationFactory.create(), Role.ORG_ADMIN), organization=a
    ).exists()
    assert not audit_events_for(user=member(a, Role.ORG_ADMIN), organization=None).exists()


def test_platform_admins_see_any_organization() -> None:
    a = OrganizationFactory.create()
    audit_record(actor=None, action="x.done", organization=a)
    platform = member(OrganizationFactory.create(), Role.PLATFORM_ADMIN)
    assert audit_events_for(user=platform, organization=a).count() == 1
