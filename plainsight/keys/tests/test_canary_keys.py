"""Foundation II canary test: key material and protected text planted through the REAL
flows never reaches a dump of the database (SQLite file or pg_dump), media, settings,
environment, cache or logs.

Everything goes through the staff app as people use it: a platform admin signs in (two
factors), re-authenticates and creates two organizations on the Admin screen (each
answer shows a recovery key once and a first admin's one-time link); the first admin
opens the link without JavaScript (pasting the access code), chooses a password,
enrols a TOTP app, signs in for real, invites a case manager (who accepts the same way
and writes a protected note through the session keyring) and a person who never
accepts, resets the case manager's access, and changes their own password.

Planted: every password typed (old and new), every access code (and its account and
keys parts), both recovery keys (formatted, compact, raw), both organizations' data
and private keys, every keyring cookie (value and key), and the note's plaintext,
stored only as ``encrypt_for_organization`` / ``seal_to_organization`` / referral
output and a blind index.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from plainsight.accounts.links import access_code_split
from plainsight.accounts.models import User
from plainsight.accounts.tests.factories import UserFactory, enrol_totp
from plainsight.keys import data
from plainsight.keys.conf import cookie_name
from plainsight.keys.crypto import decode_cookie_key, parse_link_secret, parse_recovery_key
from plainsight.keys.services import recovery_unwrap
from plainsight.partners.models import Organization, Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory
from plainsight.testing.canary import assert_no_canaries, find_canaries, new_canary
from plainsight.testing.login import accept_link, sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("plainsight.keys.tests.urls"),
]

# A test-only table, outside the project's app registry (no migration, no product
# feature): it stands for any future model that stores protected values.
_canary_apps = Apps(installed_apps=())


class ProtectedRecord(models.Model):
    organization_id = models.UUIDField()
    body = models.BinaryField()  # encrypt_for_organization output (session keyring)
    sealed = models.BinaryField()  # seal_to_organization output
    referred = models.BinaryField()  # reencrypt_for_referral output
    body_index = models.CharField(max_length=64)  # blind_index of the body

    class Meta:
        apps = _canary_apps
        app_label = "keys_canary"
        db_table = "keys_canary_protected_record"

    def __str__(self) -> str:
        return f"protected record {self.pk}"


@pytest.fixture
def protected_table() -> Iterator[type[ProtectedRecord]]:
    with connection.schema_editor() as editor:
        editor.create_model(ProtectedRecord)
    try:
        yield ProtectedRecord
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(ProtectedRecord)


def keyring_cookie(client: Client) -> tuple[str, bytes]:
    value = client.cookies[cookie_name()].value
    key = decode_cookie_key(value)
    assert key is not None
    return value, key


def code_parts(code: str) -> list[str | bytes]:
    """A code, its account token, its keys link secret, and that secret's raw parts."""
    token, keys_secret = access_code_split(code)
    assert token and keys_secret, "every link here carries keys"
    lookup, secret = parse_link_secret(keys_secret)
    return [code, token, keys_secret, lookup, secret]


def create_organization(client: Client, name: str, admin_email: str) -> tuple[str, str]:
    """The Admin screen: returns (recovery key, first admin's access code)."""
    response = client.post(
        reverse("partners_staff:organization_create"),
        {
            "name": name,
            "kind": "victim_services",
            "service_counties": "Kern",
            "admin_email": admin_email,
            "admin_first_name": "First",
            "admin_last_name": "Admin",
        },
    )
    assert response.status_code == 200, response.status_code
    return response.context["recovery_key"], response.context["code"]


def invite(client: Client, organization: Organization, email: str) -> str:
    response = client.post(
        reverse("partners_staff:person_invite", kwargs={"organization_id": organization.pk}),
        {
            "email": email,
            "first_name": "Invited",
            "last_name": "Person",
            "roles": [Role.CASE_MANAGER],
            "caseworker_training_hours": "0",
            "caseworker_trafficking_months": "0",
        },
    )
    assert response.status_code == 200 and response.context["carries_keys"]
    return str(response.context["code"])


def test_no_key_material_or_protected_plaintext_in_any_dump(protected_table, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    # factory_boy logs its own arguments (test scaffolding, not PlainSight code).
    caplog.set_level(logging.WARNING, logger="factory")
    canaries: list[str | bytes] = []

    # A platform admin signs in with two factors and re-authenticates (the password
    # re-opens their keyring under a new cookie key).
    platform_password = new_canary("platformpassword")
    platform = UserFactory.create(password=platform_password)
    MembershipFactory.create(
        user=platform, organization=OrganizationFactory.create(), role=Role.PLATFORM_ADMIN
    )
    platform_client = Client()
    sign_in(platform_client, platform, password=platform_password, totp_secret=enrol_totp(platform))
    canaries += [platform_password, *keyring_cookie(platform_client)]
    reauthenticated = platform_client.post(
        reverse("account_reauthenticate"), {"password": platform_password}
    )
    assert reauthenticated.status_code == 302
    canaries += [*keyring_cookie(platform_client)]

    # Two organizations, through the screen: a recovery key each, shown once.
    recovery_key, first_code = create_organization(
        platform_client, "Canary Shelter", "first.admin@example.org"
    )
    partner_recovery_key, partner_code = create_organization(
        platform_client, "Canary Partner", "partner.admin@example.org"
    )
    organization = Organization.objects.get(name="Canary Shelter")
    partner = Organization.objects.get(name="Canary Partner")
    for key in (recovery_key, partner_recovery_key):
        canaries += [key, key.replace("-", ""), parse_recovery_key(key)]
    canaries += code_parts(first_code) + code_parts(partner_code)

    # The first admin opens the link without JavaScript, chooses a password, enrols a
    # TOTP app, then signs in for real.
    first_password = new_canary("firstadminpassword")
    admin_client = Client()
    admin_secret = accept_link(admin_client, first_code, first_password)
    canaries += [first_password, *keyring_cookie(admin_client)]
    admin_client.post(reverse("account_logout"))
    first_admin = User.objects.get(email="first.admin@example.org")
    sign_in(admin_client, first_admin, password=first_password, totp_secret=admin_secret)
    canaries += [*keyring_cookie(admin_client)]

    # The admin invites a case manager, who accepts and writes a protected note through
    # the session keyring; and a person who never accepts (their code stays pending).
    case_code = invite(admin_client, organization, "case.manager@example.org")
    pending_code = invite(admin_client, organization, "never.accepts@example.org")
    canaries += code_parts(case_code) + code_parts(pending_code)
    case_password = new_canary("casemanagerpassword")
    case_client = Client()
    accept_link(case_client, case_code, case_password)
    canaries += [case_password, *keyring_cookie(case_client)]
    note = new_canary("casenote")
    canaries.append(note)
    sealed = case_client.post(f"/encrypt/{organization.pk}/", {"text": note})
    assert sealed.status_code == 200
    body = base64.b64decode(sealed.json()["ciphertext"])
    assert case_client.post(f"/decrypt/{organization.pk}/", sealed.json()).json() == {"text": note}

    # The admin resets the case manager's access (re-authenticating first): the new link
    # stays pending.
    person = User.objects.get(email="case.manager@example.org")
    reset_url = reverse(
        "partners_staff:person_reset",
        kwargs={"organization_id": organization.pk, "person_id": person.pk},
    )
    reauthenticated = admin_client.post(
        reverse("account_reauthenticate"), {"password": first_password}
    )
    assert reauthenticated.status_code == 302
    canaries += [*keyring_cookie(admin_client)]
    reset = admin_client.post(reset_url)
    assert reset.status_code == 200 and reset.context["carries_keys"]
    canaries += code_parts(reset.context["code"])

    # The admin changes their own password; the keyring of the session stays open.
    new_password = new_canary("firstadminnewpassword")
    changed = admin_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": first_password,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert changed.status_code == 302
    canaries.append(new_password)
    assert admin_client.get(f"/index/{organization.pk}/").status_code == 200

    # Stored protected values, as later features will store them.
    keyring = recovery_unwrap(organization=organization, recovery_key=recovery_key)
    partner_keyring = recovery_unwrap(organization=partner, recovery_key=partner_recovery_key)
    record = protected_table.objects.create(
        organization_id=organization.pk,
        body=body,
        sealed=data.seal_to_organization(organization=organization, plaintext=note.encode()),
        referred=data.reencrypt_for_referral(
            keyring=keyring,
            from_organization=organization,
            to_organization=partner,
            ciphertext=body,
            associated_data=b"test:note",
        ),
        body_index=data.blind_index(
            keyring=keyring, organization=organization, field="body", value=note
        ),
    )
    stored = protected_table.objects.get(pk=record.pk)
    assert (
        data.open_sealed(
            keyring=partner_keyring, organization=partner, ciphertext=bytes(stored.referred)
        )
        == note.encode()
    )
    for ring, owner in ((keyring, organization), (partner_keyring, partner)):
        secrets = ring.secrets_for(owner)
        canaries += [secrets.data_key, secrets.private_key]

    artifacts = assert_no_canaries(canaries, extra={"captured logs": caplog.text})
    names = {artifact.name for artifact in artifacts}
    assert any(name in names for name in ("pg_dump", "sqlite in-memory database image"))
    assert {"settings", "environment", "captured logs"} <= names

    # The dump really holds the protected rows and the wrapped keys: the same search
    # finds their ciphertext.
    assert find_canaries([bytes(stored.body)[:32]], artifacts)
    assert find_canaries([bytes(stored.sealed)[:32]], artifacts)
