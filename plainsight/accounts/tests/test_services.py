"""Account services: invitations, one-time links, passwords, access resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from plainsight.accounts import services
from plainsight.accounts.models import AccountToken, AccountTokenPurpose, User
from plainsight.accounts.selectors import account_token_for, token_digest
from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from plainsight.audit.models import AuditEvent
from plainsight.keys.errors import KeysLocked, WrongPassword
from plainsight.keys.models import MemberKeyWrap, PendingGrant
from plainsight.keys.services import (
    keyring_unlock_with_password,
    member_keys_grant_by_password,
    organization_keys_provision,
)
from plainsight.keys.session import SESSION_KEY
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


# --- Key custody: links carry keys, redemption, re-wrapping, login ---------------------


@pytest.fixture
def keyed(organization, admin):
    """The organization with keys; the admin holds them (as their session would)."""
    provisioned = organization_keys_provision(organization=organization)
    return provisioned.keyring


def test_an_invitation_into_an_organization_with_keys_carries_them(
    admin, organization, keyed, settings
) -> None:
    settings.KEYS_PENDING_GRANT_SECONDS = 3600
    with time_machine.travel(T0, tick=False):
        issued = invite(admin, organization, keyring=keyed)
    assert issued.carries_keys and issued.keys_organization_ids == (organization.pk,)
    assert issued.keys_secret and issued.keys_secret not in issued.token
    assert issued.code == f"{issued.token}.{issued.keys_secret}"
    assert issued.token not in repr(issued) and issued.keys_secret not in repr(issued)
    # The link dies with its keys: an hour here, not the invitation's seven days.
    assert issued.expires_at == T0 + timedelta(hours=1)
    grant = PendingGrant.objects.get(user=issued.user)
    assert grant.expires_at >= issued.expires_at
    with time_machine.travel(T0 + timedelta(minutes=59), tick=False):
        user = services.account_password_set_from_token(
            token=issued.token, keys_secret=issued.keys_secret, new_password=NEW_PASSWORD
        )
    assert MemberKeyWrap.objects.filter(user=user, organization=organization).exists()
    assert not PendingGrant.objects.exists()
    assert keyring_unlock_with_password(user=user, password=NEW_PASSWORD).can_open(organization)


def test_an_admin_without_the_keys_is_refused_and_nothing_is_saved(admin, organization) -> None:
    organization_keys_provision(organization=organization)
    users = User.objects.count()
    with pytest.raises(ValidationError) as raised:
        invite(admin, organization)  # no keyring, no session
    assert raised.value.code == "no_keys"
    other = OrganizationFactory.create()
    with pytest.raises(ValidationError):
        invite(admin, organization, keyring=organization_keys_provision(organization=other).keyring)
    assert User.objects.count() == users
    assert not PendingGrant.objects.exists() and not AccountToken.objects.exists()


def test_the_admins_session_keyring_is_used_and_a_locked_one_stops_everything(
    organization, keyed
) -> None:
    admin = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=admin, organization=organization, role=Role.ORG_ADMIN)
    member_keys_grant_by_password(
        keyring=keyed, organization=organization, user=admin, password=DEFAULT_PASSWORD
    )
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = admin
    with pytest.raises(KeysLocked):  # signed in, but the session holds no keyring
        invite(admin, organization, request=request)
    assert not User.objects.filter(email="new.person@example.org").exists()
    services.account_login_password_verified(request=request, user=admin, password=DEFAULT_PASSWORD)
    issued = invite(admin, organization, request=request)
    assert issued.carries_keys


def test_the_system_may_invite_without_keys(organization, keyed) -> None:
    """The demo loader invites, then grants keys with the person's password itself."""
    issued = invite(None, organization)
    assert not issued.carries_keys and not PendingGrant.objects.exists()
    services.account_password_set_from_token(token=issued.token, new_password=NEW_PASSWORD)


def test_an_organization_without_keys_gets_links_without_keys(admin, organization) -> None:
    issued = invite(admin, organization)
    assert not issued.carries_keys and issued.code == issued.token


@pytest.mark.parametrize("keys_secret", ["", "garbage", "A" * 64])
def test_keys_waiting_need_the_links_keys_part_and_nothing_is_half_saved(
    admin, organization, keyed, keys_secret
) -> None:
    issued = invite(admin, organization, keyring=keyed)
    events = AuditEvent.objects.count()
    with pytest.raises(services.InvalidAccessCode):
        services.account_password_set_from_token(
            token=issued.token, keys_secret=keys_secret, new_password=NEW_PASSWORD
        )
    person = User.objects.get(pk=issued.user.pk)
    assert not person.has_usable_password()
    assert account_token_for(token=issued.token) is not None  # the link still works
    assert PendingGrant.objects.filter(user=person).exists()
    assert AuditEvent.objects.count() == events
    services.account_password_set_from_token(
        token=issued.token, keys_secret=issued.keys_secret, new_password=NEW_PASSWORD
    )


def test_another_persons_keys_part_does_not_work(admin, organization, keyed) -> None:
    mine = invite(admin, organization, keyring=keyed)
    theirs = invite(admin, organization, keyring=keyed, email="other@example.org")
    with pytest.raises(services.InvalidAccessCode):
        services.account_password_set_from_token(
            token=mine.token, keys_secret=theirs.keys_secret, new_password=NEW_PASSWORD
        )


def test_expired_keys_make_the_link_invalid(admin, organization, keyed) -> None:
    with time_machine.travel(T0, tick=False):
        issued = invite(admin, organization, keyring=keyed)
    grant = PendingGrant.objects.get()
    PendingGrant.objects.filter(pk=grant.pk).update(expires_at=T0)
    with (
        time_machine.travel(T0 + timedelta(minutes=1), tick=False),
        pytest.raises(services.InvalidToken),
    ):
        services.account_password_set_from_token(
            token=issued.token, keys_secret=issued.keys_secret, new_password=NEW_PASSWORD
        )


def test_access_reset_drops_old_key_copies_and_carries_the_keys(admin, organization, keyed) -> None:
    person = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=person, organization=organization, role=Role.CASE_MANAGER)
    member_keys_grant_by_password(
        keyring=keyed, organization=organization, user=person, password=DEFAULT_PASSWORD
    )
    issued = services.account_access_reset(
        actor=admin, user=person, organization=organization, keyring=keyed
    )
    assert not MemberKeyWrap.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="keys.wrap_discarded").count() == 1
    assert issued.carries_keys and issued.keys_left_behind == 0
    services.account_password_set_from_token(
        token=issued.token, keys_secret=issued.keys_secret, new_password=NEW_PASSWORD
    )
    person.refresh_from_db()
    assert keyring_unlock_with_password(user=person, password=NEW_PASSWORD).can_open(organization)


def test_a_new_reset_kills_the_previous_links_keys(admin, organization, keyed) -> None:
    person = UserFactory.create()
    MembershipFactory.create(user=person, organization=organization, role=Role.CASE_MANAGER)
    first = services.account_access_reset(
        actor=admin, user=person, organization=organization, keyring=keyed
    )
    services.account_access_reset(actor=None, user=person)  # the system: no keys travel
    assert not PendingGrant.objects.filter(user=person).exists()
    with pytest.raises(services.InvalidToken):
        services.account_password_set_from_token(
            token=first.token, keys_secret=first.keys_secret, new_password=NEW_PASSWORD
        )


def test_password_change_rewraps_in_the_same_transaction(organization, keyed) -> None:
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=user, organization=organization, role=Role.CASE_MANAGER)
    member_keys_grant_by_password(
        keyring=keyed, organization=organization, user=user, password=DEFAULT_PASSWORD
    )
    before = bytes(MemberKeyWrap.objects.get(user=user).wrapped)
    with pytest.raises(ValidationError):  # a weak new password: nothing re-wrapped
        services.account_password_change(
            user=user, old_password=DEFAULT_PASSWORD, new_password="qwertyuiop"
        )
    assert bytes(MemberKeyWrap.objects.get(user=user).wrapped) == before
    services.account_password_change(
        user=user, old_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD
    )
    user.refresh_from_db()
    assert keyring_unlock_with_password(user=user, password=NEW_PASSWORD).can_open(organization)
    with pytest.raises(WrongPassword):
        keyring_unlock_with_password(user=user, password=DEFAULT_PASSWORD)


def test_the_login_hook_opens_the_keyring_into_the_session(organization, keyed) -> None:
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=user, organization=organization, role=Role.CASE_MANAGER)
    member_keys_grant_by_password(
        keyring=keyed, organization=organization, user=user, password=DEFAULT_PASSWORD
    )
    request = RequestFactory().post("/")
    request.session = SessionStore()
    services.account_login_password_verified(request=request, user=user, password=DEFAULT_PASSWORD)
    assert SESSION_KEY in request.session
    # Without a request (a command, say) nothing is stored anywhere.
    services.account_login_password_verified(request=None, user=user, password=DEFAULT_PASSWORD)
