"""Account services: invitations, one-time links, passwords, access resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from plainsight.accounts import services
from plainsight.accounts.models import AccountToken, AccountTokenPurpose, User
from plainsight.accounts.selectors import account_token_for, token_digest
from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from plainsight.audit.models import AuditEvent
from plainsight.partners.models import Membership, Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
NEW_PASSWORD = "lantern orchard velvet kettle"


@pytest.fixture
def organization():
    return OrganizationFactory.create()


@pytest.fixture
def admin(organization):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organization=organization, role=Role.ORG_ADMIN)
    return user


def invite(admin, organization, **overrides):
    values = {
        "actor": admin,
        "organization": organization,
        "email": "New.Person@Example.org",
        "first_name": "Rosa",
        "last_name": "Méndez",
        "roles": [Role.CASE_MANAGER, Role.INTAKE_ADVOCATE],
    }
    values.update(overrides)
    return services.account_invite(**values)


def test_invite_creates_a_person_without_password_and_a_hashed_one_time_link(
    admin, organization
) -> None:
    with time_machine.travel(T0, tick=False):
        issued = invite(admin, organization, is_mandated_reporter=True)
    person = issued.user
    assert person.email == "new.person@example.org"
    assert not person.has_usable_password()
    assert person.is_mandated_reporter
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {
        Role.CASE_MANAGER,
        Role.INTAKE_ADVOCATE,
    }
    assert EmailAddress.objects.get(user=person).verified
    stored = AccountToken.objects.get(user=person)
    assert stored.purpose == AccountTokenPurpose.INVITATION
    assert stored.token_hash == token_digest(issued.token)
    assert issued.token not in stored.token_hash
    assert len(issued.token) >= 43  # 256 bits
    assert stored.expires_at == T0 + timedelta(days=7)
    actions = list(
        AuditEvent.objects.filter(organization=organization).values_list("action", flat=True)
    )
    assert actions.count("account.invited") == 1
    assert actions.count("membership.role_added") == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"email": "x" * 140 + "@example.org"}, "email"),
        ({"roles": []}, "roles"),
        ({"roles": ["sorcerer"]}, "roles"),
        ({"roles": [Role.PLATFORM_ADMIN]}, "roles"),
        ({"first_name": " ", "last_name": ""}, "first_name"),
        ({"caseworker_training_hours": Decimal(-1)}, "caseworker_training_hours"),
        ({"caseworker_trafficking_months": -3}, "caseworker_trafficking_months"),
    ],
)
def test_invalid_invitations_save_nothing(admin, organization, overrides, field) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        invite(admin, organization, **overrides)
    assert field in raised.value.message_dict
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    assert not AccountToken.objects.exists()


def test_an_existing_email_is_refused_and_nothing_is_saved(admin, organization) -> None:
    UserFactory.create(email="taken@example.org")
    memberships = Membership.objects.count()
    with pytest.raises(ValidationError) as raised:
        invite(admin, organization, email="TAKEN@example.org")
    assert "already has an account" in raised.value.message_dict["email"][0]
    assert Membership.objects.count() == memberships


def test_supervisor_must_belong_to_the_organization(admin, organization) -> None:
    outsider = UserFactory.create()
    MembershipFactory.create(user=outsider, role=Role.SUPERVISOR)  # another organization
    with pytest.raises(ValidationError) as raised:
        invite(admin, organization, caseworker_supervisor=outsider)
    assert "caseworker_supervisor" in raised.value.message_dict
    issued = invite(
        admin, organization, caseworker_supervisor=admin, caseworker_training_hours=Decimal(40)
    )
    assert issued.user.is_qualified_caseworker


def test_only_admins_of_the_organization_may_invite(organization) -> None:
    other_admin = UserFactory.create()
    MembershipFactory.create(user=other_admin, role=Role.ORG_ADMIN)
    case_manager = UserFactory.create()
    MembershipFactory.create(user=case_manager, organization=organization, role=Role.CASE_MANAGER)
    for actor in (other_admin, case_manager):
        with pytest.raises(PermissionDenied):
            invite(actor, organization)


def test_platform_admin_may_invite_a_platform_admin(organization) -> None:
    platform = UserFactory.create()
    MembershipFactory.create(user=platform, role=Role.PLATFORM_ADMIN)
    issued = invite(platform, organization, roles=[Role.PLATFORM_ADMIN, Role.ORG_ADMIN])
    assert Membership.objects.filter(user=issued.user, role=Role.PLATFORM_ADMIN).exists()


def test_the_link_sets_the_password_once(admin, organization) -> None:
    issued = invite(admin, organization)
    user = services.account_password_set_from_token(token=issued.token, new_password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.invitation_accepted", actor=user).exists()
    with pytest.raises(services.InvalidToken):
        services.account_password_set_from_token(
            token=issued.token, new_password="another fine passphrase"
        )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_does_not_work(admin, organization) -> None:
    with time_machine.travel(T0, tick=False):
        issued = invite(admin, organization)
    with time_machine.travel(T0 + timedelta(days=7, seconds=1), tick=False):
        assert account_token_for(token=issued.token) is None
        with pytest.raises(services.InvalidToken):
            services.account_password_set_from_token(token=issued.token, new_password=NEW_PASSWORD)
    with time_machine.travel(T0 + timedelta(days=6, hours=23), tick=False):
        assert account_token_for(token=issued.token) is not None


@pytest.mark.parametrize("token", ["", "wrong", "A" * 43, "x" * 5000])
def test_a_wrong_token_does_not_work(admin, organization, token) -> None:
    invite(admin, organization)
    with pytest.raises(services.InvalidToken):
        services.account_password_set_from_token(token=token, new_password=NEW_PASSWORD)


def test_a_new_link_replaces_the_old_one(admin, organization) -> None:
    first = invite(admin, organization)
    second = services.account_access_reset(actor=admin, user=first.user, organization=organization)
    with pytest.raises(services.InvalidToken):
        services.account_password_set_from_token(token=first.token, new_password=NEW_PASSWORD)
    services.account_password_set_from_token(token=second.token, new_password=NEW_PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(admin, organization) -> None:
    issued = invite(admin, organization)
    for weak in ("password1234", "short", "new.person@example.org"):
        with pytest.raises(ValidationError):
            services.account_password_set_from_token(token=issued.token, new_password=weak)
    assert account_token_for(token=issued.token) is not None
    services.account_password_set_from_token(token=issued.token, new_password=NEW_PASSWORD)


def test_no_composition_rules_only_length_and_common_passwords(admin, organization) -> None:
    issued = invite(admin, organization)
    # All lower-case letters and spaces, no digit or symbol: fine.
    services.account_password_set_from_token(
        token=issued.token, new_password="purple giraffes dance"
    )


def test_the_link_of_a_deactivated_person_does_not_work(admin, organization) -> None:
    issued = invite(admin, organization)
    User.objects.filter(pk=issued.user.pk).update(is_active=False)
    with pytest.raises(services.InvalidToken):
        services.account_password_set_from_token(token=issued.token, new_password=NEW_PASSWORD)


def test_password_change(organization) -> None:
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    with pytest.raises(ValidationError) as raised:
        services.account_password_change(user=user, old_password="wrong", new_password=NEW_PASSWORD)
    assert "old_password" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.account_password_change(
            user=user, old_password=DEFAULT_PASSWORD, new_password="qwertyuiop"
        )
    with pytest.raises(ValidationError):
        services.account_password_change(
            user=user, old_password=DEFAULT_PASSWORD, new_password=DEFAULT_PASSWORD
        )
    services.account_password_change(
        user=user, old_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(DEFAULT_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=user).count() == 1


def test_access_reset_starts_over(admin, organization) -> None:
    person = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=person, organization=organization, role=Role.CASE_MANAGER)
    enrol_totp(person)
    AccessAttempt.objects.create(
        username=person.email,
        user_agent="<unknown>",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="",
    )
    client = Client()
    client.force_login(person)
    assert client.get("/staff/").status_code == 200

    issued = services.account_access_reset(actor=admin, user=person, organization=organization)

    person.refresh_from_db()
    assert not person.check_password(DEFAULT_PASSWORD)
    assert not Authenticator.objects.filter(user=person).exists()
    assert not AccessAttempt.objects.exists()
    assert client.get("/staff/").status_code == 302  # the session ended
    assert issued.purpose == AccountTokenPurpose.ACCESS_RESET
    event = AuditEvent.objects.get(action="account.access_reset")
    assert (event.actor_id, event.target_id, event.organization_id) == (
        admin.pk,
        str(person.pk),
        organization.pk,
    )
    services.account_password_set_from_token(token=issued.token, new_password=NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_set_after_reset").exists()


def test_access_reset_limits(admin, organization) -> None:
    with pytest.raises(ValidationError):
        services.account_access_reset(actor=admin, user=admin, organization=organization)
    stranger = UserFactory.create()
    MembershipFactory.create(user=stranger, role=Role.CASE_MANAGER)  # another organization
    with pytest.raises(PermissionDenied):
        services.account_access_reset(actor=admin, user=stranger, organization=organization)
    with pytest.raises(PermissionDenied):
        services.account_access_reset(actor=admin, user=stranger)


def test_login_hook_receives_the_verified_password(monkeypatch) -> None:
    """The key-custody hook point sees each verified password (and only verified ones)."""
    seen: list[tuple[int, str]] = []
    monkeypatch.setattr(
        services,
        "account_login_password_verified",
        lambda *, request, user, password: seen.append((user.pk, password)),
    )
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    enrol_totp(user)
    Client().post(reverse("account_login"), {"login": user.email, "password": "not it at all"})
    assert seen == []
    Client().post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert seen == [(user.pk, DEFAULT_PASSWORD)]


def test_facts_update(admin, organization) -> None:
    person = UserFactory.create()
    MembershipFactory.create(user=person, organization=organization, role=Role.CASE_MANAGER)
    values = {
        "actor": admin,
        "organization": organization,
        "user": person,
        "first_name": "Ana",
        "last_name": "Ruiz",
        "is_mandated_reporter": True,
        "caseworker_training_hours": Decimal(40),
        "caseworker_supervisor": admin,
        "caseworker_has_degree_or_license": False,
        "caseworker_trafficking_months": 0,
    }
    services.account_facts_update(**values)
    person.refresh_from_db()
    assert person.is_qualified_caseworker and person.is_mandated_reporter
    assert AuditEvent.objects.filter(
        action="account.facts_updated", target_id=str(person.pk)
    ).exists()
    with pytest.raises(ValidationError):
        services.account_facts_update(**{**values, "caseworker_supervisor": person})
