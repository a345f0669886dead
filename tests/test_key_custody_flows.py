"""Key custody end to end, through the staff app as people use it (security.md, issue 3
item 3): an organization is set up with keys; its admin and staff receive them through
one-time links, open them at every sign-in, and lose them when they leave; an admin reset
re-wraps them under a new password; a password change re-wraps and the old password
opens nothing; another organization's staff cannot open them.

The views under ``/encrypt/`` and ``/decrypt/`` (plainsight/keys/tests/urls.py) stand for
the later features that read and write protected data with the session keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plainsight.accounts.models import User
from plainsight.accounts.tests.factories import UserFactory, enrol_totp
from plainsight.audit.models import AuditEvent
from plainsight.keys.conf import cookie_name
from plainsight.keys.errors import InvalidRecoveryKey, WrongPassword
from plainsight.keys.models import MemberKeyWrap, PendingGrant
from plainsight.keys.services import (
    keyring_unlock_with_password,
    member_keys_grant_by_password,
    recovery_unwrap,
)
from plainsight.partners.models import Membership, Organization, Role
from plainsight.partners.services import organization_set_up
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory
from plainsight.testing.authz import mark_reauthenticated
from plainsight.testing.login import accept_link, password_step, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("plainsight.keys.tests.urls")]

ADMIN_PASSWORD = "admin chooses a long passphrase"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Person:
    user: Any
    password: str
    totp_secret: str
    client: Client

    def sign_in_again(self, *, code_offset: int = 1) -> None:
        self.client = Client()
        sign_in(
            self.client,
            self.user,
            password=self.password,
            totp_secret=self.totp_secret,
            code_offset=code_offset,
        )


@dataclass
class SetUp:
    organization: Organization
    recovery_key: str
    admin: Person


def set_up_organization(name: str, admin_email: str) -> SetUp:
    """An organization set up as the platform admin screen does; its first admin uses the
    link (no JavaScript), enrols a TOTP app, signs out and signs in for real."""
    result = organization_set_up(
        actor=None,
        name=name,
        kind="victim_services",
        admin_email=admin_email,
        admin_first_name="First",
        admin_last_name="Admin",
    )
    client = Client()
    secret = accept_link(client, result.first_admin.code, ADMIN_PASSWORD)
    client.post(reverse("account_logout"))
    admin = Person(result.first_admin.user, ADMIN_PASSWORD, secret, client)
    sign_in(client, admin.user, password=ADMIN_PASSWORD, totp_secret=secret)
    return SetUp(result.organization, result.recovery_key.formatted, admin)


def invite(admin: Person, organization: Organization, email: str, role: str = Role.CASE_MANAGER):
    response = admin.client.post(
        reverse("partners_staff:person_invite", kwargs={"organization_id": organization.pk}),
        {
            "email": email,
            "first_name": "New",
            "last_name": "Colleague",
            "roles": [role],
            "caseworker_training_hours": "0",
            "caseworker_trafficking_months": "0",
        },
    )
    assert response.status_code == 200, response.status_code
    return response


def join(admin: Person, organization: Organization, email: str, password: str) -> Person:
    """Invited by the admin, accepts the link, enrols, signs out and signs in for real."""
    code = invite(admin, organization, email).context["code"]
    client = Client()
    secret = accept_link(client, code, password)
    client.post(reverse("account_logout"))
    person = Person(User.objects.get(email=email), password, secret, client)
    sign_in(client, person.user, password=password, totp_secret=secret)
    return person


def encrypt(client: Client, organization: Organization, text: str) -> dict[str, str]:
    response = client.post(f"/encrypt/{organization.pk}/", {"text": text})
    assert response.status_code == 200, response.status_code
    return response.json()


def decrypt(client: Client, organization: Organization, sealed: dict[str, str]) -> Any:
    return client.post(f"/decrypt/{organization.pk}/", sealed)


@pytest.fixture
def shelter() -> SetUp:
    return set_up_organization("Valley Shelter", "director@shelter.example.org")


def test_invite_accept_enrol_sign_in_and_the_keyring_opens_the_organizations_data(
    shelter,
) -> None:
    case_manager = join(
        shelter.admin, shelter.organization, "case@shelter.example.org", "case manager passphrase"
    )
    sealed = encrypt(case_manager.client, shelter.organization, "Survivor prefers Spanish")
    assert decrypt(case_manager.client, shelter.organization, sealed).json() == {
        "text": "Survivor prefers Spanish"
    }
    # The same organization key: the admin's session and the recovery key open it too.
    assert decrypt(shelter.admin.client, shelter.organization, sealed).json() == {
        "text": "Survivor prefers Spanish"
    }
    keyring = recovery_unwrap(organization=shelter.organization, recovery_key=shelter.recovery_key)
    assert keyring.can_open(shelter.organization)
    # The invitation link was used up with its keys.
    assert not PendingGrant.objects.exists()
    assert MemberKeyWrap.objects.filter(user=case_manager.user).count() == 1


def test_a_link_missing_its_keys_part_is_refused_and_nothing_is_saved(shelter) -> None:
    code = invite(shelter.admin, shelter.organization, "new@shelter.example.org").context["code"]
    token, _dot, keys_secret = code.partition(".")
    client = Client()
    url = reverse("accounts:set_password")
    for partial in (token, f"{token}.{keys_secret[:-4]}AAAA"):
        refused = client.post(url, {"step": "code", "code": partial})
        assert refused.status_code == 400
        assert b"not complete" in refused.content
        forced = client.post(
            url,
            {
                "step": "password",
                "code": partial,
                "new_password1": "river stone lantern",
                "new_password2": "river stone lantern",
            },
        )
        assert forced.status_code == 400
    person = User.objects.get(email="new@shelter.example.org")
    assert not person.has_usable_password()
    assert PendingGrant.objects.filter(user=person).exists()
    # The whole code still works.
    accept_link(client, code, "river stone lantern")
    assert MemberKeyWrap.objects.filter(user=person, organization=shelter.organization).exists()


def test_admin_reset_new_password_opens_the_keys_and_the_old_one_nothing(shelter) -> None:
    old = "case manager old passphrase"
    case_manager = join(shelter.admin, shelter.organization, "case@shelter.example.org", old)
    sealed = encrypt(case_manager.client, shelter.organization, "Court date March 3")
    mark_reauthenticated(shelter.admin.client, shelter.admin.user)
    reset = shelter.admin.client.post(
        reverse(
            "partners_staff:person_reset",
            kwargs={"organization_id": shelter.organization.pk, "person_id": case_manager.user.pk},
        )
    )
    assert reset.status_code == 200 and reset.context["carries_keys"]
    # Signed out everywhere; the old password neither signs in nor opens a key.
    assert case_manager.client.get("/held/").status_code == 302
    assert password_step(Client(), case_manager.user.email, old).status_code == 200
    assert not MemberKeyWrap.objects.filter(user=case_manager.user).exists()
    stale = keyring_unlock_with_password(
        user=User.objects.get(pk=case_manager.user.pk), password=old
    )
    assert not stale.organization_ids

    new = "case manager new passphrase"
    client = Client()
    secret = accept_link(client, reset.context["code"], new)
    assert decrypt(client, shelter.organization, sealed).json() == {"text": "Court date March 3"}
    client.post(reverse("account_logout"))
    sign_in(client, case_manager.user, password=new, totp_secret=secret)
    assert decrypt(client, shelter.organization, sealed).json() == {"text": "Court date March 3"}


def test_password_change_rewraps_and_the_old_password_opens_nothing(shelter) -> None:
    old, new = "first case passphrase", "second case passphrase"
    person = join(shelter.admin, shelter.organization, "case@shelter.example.org", old)
    sealed = encrypt(person.client, shelter.organization, "Needs a safe phone")
    wrap_before = bytes(MemberKeyWrap.objects.get(user=person.user).wrapped)
    response = person.client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    # This session's keyring stays open: the keys themselves did not change.
    assert decrypt(person.client, shelter.organization, sealed).json() == {
        "text": "Needs a safe phone"
    }
    assert bytes(MemberKeyWrap.objects.get(user=person.user).wrapped) != wrap_before
    user = User.objects.get(pk=person.user.pk)
    with pytest.raises(WrongPassword):
        keyring_unlock_with_password(user=user, password=old)
    assert keyring_unlock_with_password(user=user, password=new).can_open(shelter.organization)
    assert AuditEvent.objects.filter(action="keys.rewrapped", actor=person.user).exists()
    person.password = new
    person.sign_in_again()
    assert decrypt(person.client, shelter.organization, sealed).status_code == 200


def test_a_deactivated_members_keyring_closes(shelter) -> None:
    person = join(
        shelter.admin, shelter.organization, "leaving@shelter.example.org", "pass phrase one"
    )
    sealed = encrypt(person.client, shelter.organization, "Intake notes")
    response = shelter.admin.client.post(
        reverse(
            "partners_staff:person_deactivate",
            kwargs={"organization_id": shelter.organization.pk, "person_id": person.user.pk},
        )
    )
    assert response.status_code == 302
    assert decrypt(person.client, shelter.organization, sealed).status_code == 302  # signed out
    assert not MemberKeyWrap.objects.filter(user=person.user).exists()
    assert AuditEvent.objects.filter(action="keys.revoked", target_id=str(person.user.pk)).exists()


def also_member_with_keys(person: Person, other: SetUp, role: str = Role.ANALYST) -> None:
    """Give a person a role and the keys of a second organization (with its recovery key
    and their password, as the runbook's tools can)."""
    MembershipFactory.create(user=person.user, organization=other.organization, role=role)
    member_keys_grant_by_password(
        keyring=recovery_unwrap(organization=other.organization, recovery_key=other.recovery_key),
        organization=other.organization,
        user=User.objects.get(pk=person.user.pk),
        password=person.password,
    )


def reset_by(admin: Person, organization: Organization, person: Person) -> Any:
    mark_reauthenticated(admin.client, admin.user)
    response = admin.client.post(
        reverse(
            "partners_staff:person_reset",
            kwargs={"organization_id": organization.pk, "person_id": person.user.pk},
        )
    )
    assert response.status_code == 200, response.status_code
    return response


def held(client: Client) -> set[str]:
    return set(client.get("/held/").json()["organizations"])


@pytest.fixture
def partner() -> SetUp:
    return set_up_organization("Partner Center", "director@partner.example.org")


def test_leaving_one_organization_keeps_the_other(shelter, partner) -> None:
    person = join(shelter.admin, shelter.organization, "both@example.org", "works in two places")
    also_member_with_keys(person, partner)
    person.sign_in_again()
    assert held(person.client) == {str(shelter.organization.pk), str(partner.organization.pk)}
    shelter.admin.client.post(
        reverse(
            "partners_staff:person_deactivate",
            kwargs={"organization_id": shelter.organization.pk, "person_id": person.user.pk},
        )
    )
    assert person.client.get("/held/").status_code == 302  # their sessions ended
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        person.sign_in_again(code_offset=0)
        assert held(person.client) == {str(partner.organization.pk)}
    assert not MemberKeyWrap.objects.filter(
        user=person.user, organization=shelter.organization
    ).exists()


def test_a_reset_carries_every_organization_the_admin_holds(shelter, partner) -> None:
    person = join(shelter.admin, shelter.organization, "both@example.org", "works in two places")
    also_member_with_keys(person, partner)
    also_member_with_keys(shelter.admin, partner, role=Role.SUPERVISOR)
    shelter.admin.sign_in_again()  # now their keyring holds both organizations
    reset = reset_by(shelter.admin, shelter.organization, person)
    assert reset.context["keys_left_behind"] == 0
    client = Client()
    accept_link(client, reset.context["code"], "a fresh passphrase for both")
    assert held(client) == {str(shelter.organization.pk), str(partner.organization.pk)}


def test_a_reset_by_an_admin_of_one_organization_leaves_the_other_behind(shelter, partner) -> None:
    person = join(shelter.admin, shelter.organization, "both@example.org", "works in two places")
    also_member_with_keys(person, partner)
    reset = reset_by(partner.admin, partner.organization, person)
    assert reset.context["keys_left_behind"] == 1
    assert b"whose keys you do not hold" in reset.content
    client = Client()
    accept_link(client, reset.context["code"], "a fresh passphrase")
    assert held(client) == {str(partner.organization.pk)}
    # Nothing wrapped under the old password survives.
    assert list(
        MemberKeyWrap.objects.filter(user=person.user).values_list("organization_id", flat=True)
    ) == [partner.organization.pk]


def test_another_organizations_staff_cannot_open_its_data(shelter) -> None:
    other = set_up_organization("Other Place", "director@other.example.org")
    mine = join(shelter.admin, shelter.organization, "mine@shelter.example.org", "mine passphrase")
    theirs = join(other.admin, other.organization, "theirs@other.example.org", "theirs passphrase")
    sealed = encrypt(mine.client, shelter.organization, "Address of the safe house")
    # Claiming the shelter's organization: their keyring holds no keys for it.
    assert decrypt(theirs.client, shelter.organization, sealed).status_code == 403
    assert (
        theirs.client.post(f"/encrypt/{shelter.organization.pk}/", {"text": "x"}).status_code == 403
    )
    # Trying it as their own organization's data: it does not open under their key.
    assert decrypt(theirs.client, other.organization, sealed).status_code == 422
    assert set(theirs.client.get("/held/").json()["organizations"]) == {str(other.organization.pk)}


def test_an_admin_without_the_keys_cannot_invite_or_reset(shelter) -> None:
    platform = UserFactory.create(password="platform passphrase")
    MembershipFactory.create(
        user=platform, organization=OrganizationFactory.create(), role=Role.PLATFORM_ADMIN
    )
    client = Client()
    sign_in(client, platform, password="platform passphrase", totp_secret=enrol_totp(platform))
    url = reverse(
        "partners_staff:person_invite", kwargs={"organization_id": shelter.organization.pk}
    )
    page = client.get(url)
    assert page.status_code == 200
    assert b"You do not hold the keys of Valley Shelter" in page.content
    assert b'name="email"' not in page.content
    users = User.objects.count()
    client.post(url, {"email": "x@example.org", "first_name": "X", "roles": [Role.ANALYST]})
    assert User.objects.count() == users
    mark_reauthenticated(client, platform)
    reset_url = reverse(
        "partners_staff:person_reset",
        kwargs={"organization_id": shelter.organization.pk, "person_id": shelter.admin.user.pk},
    )
    assert b"You do not hold the keys" in client.post(reset_url).content
    assert User.objects.get(pk=shelter.admin.user.pk).has_usable_password()


def test_an_admin_whose_keyring_is_locked_is_asked_to_sign_in_again(shelter) -> None:
    del shelter.admin.client.cookies[cookie_name()]  # e.g. a privacy extension cleared it
    url = reverse(
        "partners_staff:person_invite", kwargs={"organization_id": shelter.organization.pk}
    )
    response = shelter.admin.client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    page = shelter.admin.client.get(response["Location"])
    assert b"please sign in again" in page.content
    users = User.objects.count()
    # Signed out: posting the form creates nothing.
    shelter.admin.client.post(url, {"email": "x@example.org", "first_name": "X"})
    assert User.objects.count() == users


def test_organization_creation_shows_the_recovery_key_once(settings) -> None:
    platform = UserFactory.create(password="platform passphrase")
    MembershipFactory.create(
        user=platform, organization=OrganizationFactory.create(), role=Role.PLATFORM_ADMIN
    )
    client = Client()
    sign_in(client, platform, password="platform passphrase", totp_secret=enrol_totp(platform))
    url = reverse("partners_staff:organization_create")
    reauthenticate = client.get(url)
    assert reauthenticate["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reauthenticate["Location"], {"password": "platform passphrase"})
    response = client.post(
        url,
        {
            "name": "Hope House",
            "kind": "victim_services",
            "service_counties": "Kern",
            "admin_email": "director@hope.example.org",
            "admin_first_name": "Rosa",
            "admin_last_name": "Diaz",
        },
    )
    assert response.status_code == 200
    recovery_key = response.context["recovery_key"]
    content = response.content.decode()
    assert recovery_key in content and "shown only now" in content
    assert "no-store" in response["Cache-Control"]
    organization = Organization.objects.get(name="Hope House")
    assert recovery_unwrap(organization=organization, recovery_key=recovery_key)
    # Not through the messages framework (kept in the session or a cookie), not stored.
    assert all(recovery_key not in str(message) for message in get_messages(response.wsgi_request))
    assert all(recovery_key not in cookie.value for cookie in response.cookies.values())
    assert recovery_key not in str(dict(client.session))
    later = client.get(
        reverse("partners_staff:organization", kwargs={"organization_id": organization.pk})
    )
    assert recovery_key not in later.content.decode()
    assert Membership.objects.filter(
        organization=organization, role=Role.ORG_ADMIN, user__email="director@hope.example.org"
    ).exists()
    assert PendingGrant.objects.filter(organization=organization).count() == 1


def test_an_expired_link_loses_its_keys_with_it(shelter) -> None:
    invite(shelter.admin, shelter.organization, "late@shelter.example.org")
    person = User.objects.get(email="late@shelter.example.org")
    grant = PendingGrant.objects.get(user=person)
    token_expiry = person.account_tokens.get().expires_at
    assert token_expiry <= grant.expires_at  # the account part never outlives the keys
    with time_machine.travel(grant.expires_at, tick=False):
        from plainsight.keys.jobs import expired_links_purge

        assert expired_links_purge() == {"purged": 1}
        assert timezone.now() >= token_expiry
    assert not PendingGrant.objects.filter(user=person).exists()


def test_an_admin_replaces_the_recovery_key_after_confirming_who_they_are(shelter) -> None:
    url = reverse(
        "partners_staff:recovery_key_replace", kwargs={"organization_id": shelter.organization.pk}
    )
    page = shelter.admin.client.get(
        reverse("partners_staff:organization", kwargs={"organization_id": shelter.organization.pk})
    )
    assert url in page.content.decode()
    assert "reauthenticate" in shelter.admin.client.post(url)["Location"]  # a key change
    assert recovery_unwrap(organization=shelter.organization, recovery_key=shelter.recovery_key)
    shelter.admin.client.post(reverse("account_reauthenticate"), {"password": ADMIN_PASSWORD})
    response = shelter.admin.client.post(url)
    assert response.status_code == 200
    new_key = response.context["recovery_key"]
    assert new_key != shelter.recovery_key and new_key in response.content.decode()
    with pytest.raises(InvalidRecoveryKey):
        recovery_unwrap(organization=shelter.organization, recovery_key=shelter.recovery_key)
    assert recovery_unwrap(organization=shelter.organization, recovery_key=new_key).can_open(
        shelter.organization
    )
    assert AuditEvent.objects.filter(
        action="keys.recovery_replaced", actor=shelter.admin.user
    ).exists()


def test_only_someone_holding_the_keys_replaces_the_recovery_key(shelter) -> None:
    platform = UserFactory.create(password="platform passphrase")
    MembershipFactory.create(
        user=platform, organization=OrganizationFactory.create(), role=Role.PLATFORM_ADMIN
    )
    client = Client()
    sign_in(client, platform, password="platform passphrase", totp_secret=enrol_totp(platform))
    mark_reauthenticated(client, platform)
    url = reverse(
        "partners_staff:recovery_key_replace", kwargs={"organization_id": shelter.organization.pk}
    )
    response = client.post(url)
    assert b"You do not hold the keys of Valley Shelter" in response.content
    assert "recovery_key" not in response.context
    assert recovery_unwrap(organization=shelter.organization, recovery_key=shelter.recovery_key)
