"""Organization and membership services: rules, guards, audit in the same transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from plainsight.accounts.models import AccountToken
from plainsight.accounts.services import account_invite
from plainsight.accounts.tests.factories import UserFactory, enrol_totp
from plainsight.audit.models import AuditEvent
from plainsight.keys.models import MemberKeyWrap, OrganizationKeys, PendingGrant
from plainsight.keys.selectors import organization_keys_exist
from plainsight.keys.services import (
    member_keys_grant_by_password,
    organization_keys_provision,
    recovery_unwrap,
)
from plainsight.partners import services
from plainsight.partners.models import Membership, Organization, OrganizationKind, Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return OrganizationFactory.create()


@pytest.fixture
def admin(organization):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=organization, role=Role.ORG_ADMIN)
    return user


@pytest.fixture
def platform_admin():
    user = UserFactory.create()
    MembershipFactory.create(user=user, role=Role.PLATFORM_ADMIN)
    return user


@pytest.fixture
def person(organization):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=organization, role=Role.CASE_MANAGER)
    return user


def test_organization_create_update_deactivate(platform_admin) -> None:
    organization = services.organization_create(
        actor=platform_admin,
        name="  Valley   Shelter ",
        kind=OrganizationKind.VICTIM_SERVICES,
        service_counties=["Kern", " tulare", "Kern", ""],
    )
    assert organization.name == "Valley Shelter"
    assert organization.slug == "valley-shelter"
    assert organization.service_counties == ["Kern", "tulare"]
    services.organization_update(
        actor=platform_admin,
        organization=organization,
        name="Valley Shelter East",
        kind=OrganizationKind.OTHER,
        service_counties=["Kings"],
    )
    member = UserFactory.create()
    MembershipFactory.create(user=member, organization=organization)
    services.organization_deactivate(actor=platform_admin, organization=organization)
    organization.refresh_from_db()
    member.refresh_from_db()
    assert not organization.is_active
    assert member.sessions_revoked_at is not None
    actions = list(
        AuditEvent.objects.filter(organization=organization).values_list("action", flat=True)
    )
    assert actions == ["organization.created", "organization.updated", "organization.deactivated"]


def test_second_organization_with_a_similar_name_gets_its_own_slug(platform_admin) -> None:
    first = services.organization_create(actor=platform_admin, name="Hope House", kind="other")
    second = services.organization_create(actor=platform_admin, name="Hope House!", kind="other")
    assert first.slug != second.slug


@pytest.mark.parametrize(
    ("name", "kind", "counties", "field"),
    [
        ("", "other", [], "name"),
        ("x" * 201, "other", [], "name"),
        ("Fine name", "bakery", [], "kind"),
        ("Fine name", "other", ["<script>"], "service_counties"),
        ("Fine name", "other", ["9999"], "service_counties"),
    ],
)
def test_bad_organization_input_saves_nothing(platform_admin, name, kind, counties, field) -> None:
    count, events = Organization.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.organization_create(
            actor=platform_admin, name=name, kind=kind, service_counties=counties
        )
    assert field in raised.value.message_dict
    assert (Organization.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_duplicate_organization_name_is_refused(platform_admin, organization) -> None:
    with pytest.raises(ValidationError):
        services.organization_create(
            actor=platform_admin, name=organization.name.upper(), kind="other"
        )


def test_only_platform_admins_manage_organizations(admin, organization) -> None:
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=admin, name="New", kind="other")
    with pytest.raises(PermissionDenied):
        services.organization_deactivate(actor=admin, organization=organization)


def test_platform_admin_cannot_deactivate_their_own_organization(platform_admin) -> None:
    own = platform_admin.memberships.get().organization
    with pytest.raises(ValidationError):
        services.organization_deactivate(actor=platform_admin, organization=own)


def test_role_changes_are_audited(admin, organization, person) -> None:
    added, removed = services.membership_roles_set(
        actor=admin, organization=organization, user=person, roles=[Role.SUPERVISOR, Role.ANALYST]
    )
    assert added == [Role.ANALYST, Role.SUPERVISOR]
    assert removed == [Role.CASE_MANAGER]
    events = AuditEvent.objects.filter(organization=organization, actor=admin)
    assert events.filter(action="membership.role_added").count() == 2
    removed_event = events.get(action="membership.role_removed")
    membership = Membership.objects.get(user=person, role=Role.CASE_MANAGER)
    assert removed_event.target_id == str(membership.pk)
    assert not membership.is_active
    # Giving a role back re-activates the same membership.
    services.membership_roles_set(
        actor=admin, organization=organization, user=person, roles=[Role.CASE_MANAGER]
    )
    membership.refresh_from_db()
    assert membership.is_active
    # Same roles again: no change, no event.
    before = AuditEvent.objects.count()
    assert services.membership_roles_set(
        actor=admin, organization=organization, user=person, roles=[Role.CASE_MANAGER]
    ) == ([], [])
    assert AuditEvent.objects.count() == before


def test_role_rules(admin, organization, person, platform_admin) -> None:
    with pytest.raises(ValidationError):
        services.membership_roles_set(actor=admin, organization=organization, user=person, roles=[])
    with pytest.raises(ValidationError):
        services.membership_roles_set(
            actor=admin, organization=organization, user=person, roles=[Role.PLATFORM_ADMIN]
        )
    with pytest.raises(ValidationError) as raised:
        services.membership_roles_set(
            actor=admin, organization=organization, user=admin, roles=[Role.CASE_MANAGER]
        )
    assert "at least one organization admin" in str(raised.value)
    services.membership_roles_set(
        actor=platform_admin, organization=organization, user=person, roles=[Role.PLATFORM_ADMIN]
    )
    assert Membership.objects.filter(user=person, role=Role.PLATFORM_ADMIN, is_active=True).exists()


def test_roles_of_someone_elsewhere_cannot_be_set(admin, organization) -> None:
    stranger = UserFactory.create()
    MembershipFactory.create(user=stranger, role=Role.CASE_MANAGER)
    with pytest.raises(PermissionDenied):
        services.membership_roles_set(
            actor=admin, organization=organization, user=stranger, roles=[Role.ANALYST]
        )
    other_org_admin = UserFactory.create()
    MembershipFactory.create(user=other_org_admin, role=Role.ORG_ADMIN)
    person = UserFactory.create()
    MembershipFactory.create(user=person, organization=organization)
    with pytest.raises(PermissionDenied):
        services.membership_roles_set(
            actor=other_org_admin, organization=organization, user=person, roles=[Role.ANALYST]
        )


def test_deactivating_a_person_ends_their_access(admin, organization, person) -> None:
    enrol_totp(person)
    client = Client()
    client.force_login(person)
    assert client.get("/staff/").status_code == 200
    services.staff_deactivate(actor=admin, organization=organization, user=person)
    person.refresh_from_db()
    assert not person.is_active
    assert not Membership.objects.filter(user=person, is_active=True).exists()
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action="staff.deactivated", target_id=str(person.pk)).exists()


def test_deactivating_in_one_organization_keeps_the_other(admin, organization, person) -> None:
    elsewhere = MembershipFactory.create(user=person, role=Role.ANALYST)
    services.staff_deactivate(actor=admin, organization=organization, user=person)
    person.refresh_from_db()
    assert person.is_active
    assert Membership.objects.filter(pk=elsewhere.pk, is_active=True).exists()
    assert person.sessions_revoked_at is not None


def test_deactivating_an_invited_person_kills_their_link(admin, organization) -> None:
    issued = account_invite(
        actor=admin,
        organization=organization,
        email="new@example.org",
        first_name="N",
        last_name="P",
        roles=[Role.ANALYST],
    )
    services.staff_deactivate(actor=admin, organization=organization, user=issued.user)
    assert AccountToken.objects.get(user=issued.user).revoked_at is not None


def test_deactivation_guards(admin, organization) -> None:
    with pytest.raises(ValidationError):
        services.staff_deactivate(actor=admin, organization=organization, user=admin)
    second_admin = UserFactory.create()
    MembershipFactory.create(user=second_admin, organization=organization, role=Role.ORG_ADMIN)
    platform = UserFactory.create()
    MembershipFactory.create(user=platform, role=Role.PLATFORM_ADMIN)
    services.staff_deactivate(actor=platform, organization=organization, user=second_admin)
    with pytest.raises(ValidationError):
        # The last organization admin stays.
        services.staff_deactivate(actor=platform, organization=organization, user=admin)


# --- Organizations come with keys; leaving one takes its keys away ----------------------


def test_organization_set_up_creates_keys_and_invites_the_first_admin_with_them(
    platform_admin,
) -> None:
    set_up = services.organization_set_up(
        actor=platform_admin,
        name="Hope House",
        kind=OrganizationKind.VICTIM_SERVICES,
        service_counties=["Kern"],
        admin_email="Director@Hope.example.org",
        admin_first_name="Rosa",
        admin_last_name="Diaz",
    )
    organization = set_up.organization
    assert organization_keys_exist(organization=organization)
    assert set_up.recovery_key.formatted not in repr(set_up)
    assert recovery_unwrap(organization=organization, recovery_key=set_up.recovery_key.formatted)
    first = set_up.first_admin
    assert first.user.email == "director@hope.example.org" and first.carries_keys
    assert Membership.objects.filter(
        user=first.user, organization=organization, role=Role.ORG_ADMIN
    ).exists()
    actions = set(
        AuditEvent.objects.filter(organization=organization).values_list("action", flat=True)
    )
    assert {
        "organization.created",
        "keys.provisioned",
        "account.invited",
        "keys.pending_grant_created",
    } <= actions


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"admin_email": "not an email"}, "admin_email"),
        ({"admin_email": "TAKEN@example.org"}, "admin_email"),
        ({"admin_first_name": "", "admin_last_name": ""}, "admin_first_name"),
        ({"name": ""}, "name"),
    ],
)
def test_organization_set_up_saves_nothing_when_anything_is_wrong(
    platform_admin, overrides, field
) -> None:
    UserFactory.create(email="taken@example.org")
    values = {
        "actor": platform_admin,
        "name": "Hope House",
        "kind": OrganizationKind.VICTIM_SERVICES,
        "admin_email": "director@hope.example.org",
        "admin_first_name": "Rosa",
        "admin_last_name": "Diaz",
        **overrides,
    }
    organizations, events = Organization.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.organization_set_up(**values)
    assert field in raised.value.message_dict
    assert (Organization.objects.count(), AuditEvent.objects.count()) == (organizations, events)
    assert not OrganizationKeys.objects.exists()


def test_only_platform_admins_set_organizations_up(admin) -> None:
    with pytest.raises(PermissionDenied):
        services.organization_set_up(
            actor=admin,
            name="Sneaky",
            kind=OrganizationKind.OTHER,
            admin_email="a@example.org",
            admin_first_name="A",
            admin_last_name="B",
        )
    assert not OrganizationKeys.objects.exists()


def test_deactivating_a_person_revokes_their_keys_and_waiting_links(admin, organization) -> None:
    keyring = organization_keys_provision(organization=organization).keyring
    person = UserFactory.create(password="a long enough passphrase")
    MembershipFactory.create(user=person, organization=organization, role=Role.CASE_MANAGER)
    member_keys_grant_by_password(
        keyring=keyring, organization=organization, user=person, password="a long enough passphrase"
    )
    invited = account_invite(
        actor=admin,
        organization=organization,
        email="invited@example.org",
        first_name="In",
        last_name="Vited",
        roles=[Role.ANALYST],
        keyring=keyring,
    )
    services.staff_deactivate(actor=admin, organization=organization, user=person)
    services.staff_deactivate(actor=admin, organization=organization, user=invited.user)
    assert not MemberKeyWrap.objects.filter(user=person).exists()
    assert not PendingGrant.objects.exists()
    assert AuditEvent.objects.filter(action="keys.revoked", organization=organization).count() == 2


def test_removing_one_role_of_several_keeps_the_keys(admin, organization) -> None:
    keyring = organization_keys_provision(organization=organization).keyring
    person = UserFactory.create(password="a long enough passphrase")
    MembershipFactory.create(user=person, organization=organization, role=Role.CASE_MANAGER)
    MembershipFactory.create(user=person, organization=organization, role=Role.SUPERVISOR)
    member_keys_grant_by_password(
        keyring=keyring, organization=organization, user=person, password="a long enough passphrase"
    )
    services.membership_roles_set(
        actor=admin, organization=organization, user=person, roles=[Role.SUPERVISOR]
    )
    assert MemberKeyWrap.objects.filter(user=person, organization=organization).exists()
