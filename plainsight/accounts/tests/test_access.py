"""The access decorators and role helpers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from plainsight.accounts.access import (
    AccessPolicy,
    Kind,
    Scope,
    account_view,
    can_administer,
    has_role,
    policy_of,
    public_view,
    staff_view,
    user_roles,
)
from plainsight.accounts.tests.factories import UserFactory
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@staff_view(roles={Role.SUPERVISOR}, scope=Scope.ORGANIZATION)
def supervisors_only(request):
    return HttpResponse("ok")


def request_as(user, method="get"):
    request = getattr(RequestFactory(), method)("/staff/x/")
    request.user = user
    return request


def kind_of(view, name):
    policy = policy_of(view, name)
    assert policy is not None
    return policy.kind


def test_policy_is_recorded_on_the_view() -> None:
    assert policy_of(supervisors_only, None) == AccessPolicy(
        Kind.STAFF, frozenset({Role.SUPERVISOR}), Scope.ORGANIZATION, False
    )
    assert kind_of(public_view(reason="why")(lambda r: HttpResponse()), None) == Kind.PUBLIC
    assert kind_of(account_view()(lambda r: HttpResponse()), None) == Kind.AUTHENTICATED
    assert kind_of(lambda r: HttpResponse(), "account_login") == Kind.PUBLIC
    assert policy_of(lambda r: HttpResponse(), "something_else") is None


def test_a_whole_namespace_can_be_classified(monkeypatch) -> None:
    from plainsight.accounts import access

    public_api = AccessPolicy(Kind.PUBLIC, reason="public read-only API")
    monkeypatch.setitem(access.NAMESPACE_POLICIES, "hsds", public_api)
    assert policy_of(lambda r: HttpResponse(), "hsds:list_services") is public_api
    assert policy_of(lambda r: HttpResponse(), "hsds:v3:get_service") is public_api
    assert policy_of(lambda r: HttpResponse(), "other:list_services") is None


def test_declaring_nonsense_fails_loudly() -> None:
    with pytest.raises(ValueError):
        staff_view(roles=set())
    with pytest.raises(ValueError):
        staff_view(roles={"wizard"})
    with pytest.raises(ValueError):
        public_view(reason="")


def test_anonymous_is_sent_to_login() -> None:
    response = supervisors_only(request_as(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/account/login/?next=")


def test_roles_decide() -> None:
    supervisor = UserFactory.create()
    MembershipFactory.create(user=supervisor, role=Role.SUPERVISOR)
    assert supervisors_only(request_as(supervisor)).status_code == 200
    analyst = UserFactory.create()
    MembershipFactory.create(user=analyst, role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        supervisors_only(request_as(analyst))


def test_methods_are_limited_after_the_role_check() -> None:
    supervisor = UserFactory.create()
    MembershipFactory.create(user=supervisor, role=Role.SUPERVISOR)
    assert supervisors_only(request_as(supervisor, "post")).status_code == 405


def test_inactive_memberships_organizations_and_people_grant_nothing() -> None:
    person = UserFactory.create()
    membership = MembershipFactory.create(user=person, role=Role.SUPERVISOR)
    assert has_role(person, {Role.SUPERVISOR})
    membership.organization.is_active = False
    membership.organization.save()
    assert user_roles(person) == set()
    membership.organization.is_active = True
    membership.organization.save()
    membership.is_active = False
    membership.save()
    assert user_roles(person) == set()
    membership.is_active = True
    membership.save()
    person.is_active = False
    assert user_roles(person) == set()


def test_roles_are_per_organization() -> None:
    person = UserFactory.create()
    a, b = OrganizationFactory.create(), OrganizationFactory.create()
    MembershipFactory.create(user=person, organization=a, role=Role.ORG_ADMIN)
    MembershipFactory.create(user=person, organization=b, role=Role.ANALYST)
    assert user_roles(person, a) == {Role.ORG_ADMIN}
    assert user_roles(person, b) == {Role.ANALYST}
    assert can_administer(person, a) and not can_administer(person, b)
    platform = UserFactory.create()
    MembershipFactory.create(user=platform, role=Role.PLATFORM_ADMIN)
    assert can_administer(platform, a) and can_administer(platform, b)
