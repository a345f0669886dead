"""Foundation II canary test: key material planted through the real flows never reaches a
dump of the database (SQLite file or pg_dump), media, settings, environment or cache.

Planted: an organization's data key and private key (after provisioning), its recovery
key, one-time link secrets (one redeemed, one still pending), staff passwords (typed at
sign-in, set through a link), the session's cookie key, and a plaintext stored in a row
only as ``encrypt_for_organization`` / ``seal_to_organization`` / referral output.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import connection, models
from django.test import Client

from plainsight.keys import data
from plainsight.keys.conf import cookie_name
from plainsight.keys.crypto import decode_cookie_key, parse_link_secret
from plainsight.keys.services import (
    member_keys_grant_by_password,
    organization_keys_provision,
    pending_grant_create,
    pending_grant_redeem,
)
from plainsight.keys.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from plainsight.testing.canary import assert_no_canaries, find_canaries, new_canary

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("plainsight.keys.tests.urls"),
]

# A test-only table, outside the project's app registry (no migration, no product
# feature): it stands for any future model that stores protected values.
_canary_apps = Apps(installed_apps=())


class ProtectedRecord(models.Model):
    organization_id = models.UUIDField()
    body = models.BinaryField()  # encrypt_for_organization output
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


def test_no_key_material_or_protected_plaintext_in_any_dump(protected_table, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    # factory_boy logs its own arguments (test scaffolding, not PlainSight code).
    caplog.set_level(logging.WARNING, logger="factory")
    organization = OrganizationFactory.create()
    partner = OrganizationFactory.create()
    provisioned = organization_keys_provision(organization=organization)
    partner_keys = organization_keys_provision(organization=partner)
    secrets = provisioned.keyring.secrets_for(organization)

    # A staff member with a canary password receives the keys and signs in for real.
    staff_password = new_canary("password")
    staff = UserFactory.create(password=staff_password)
    MembershipFactory.create(user=staff, organization=organization)
    member_keys_grant_by_password(
        keyring=provisioned.keyring,
        organization=organization,
        user=staff,
        password=staff_password,
    )
    client = Client()
    response = client.post("/sign-in/", {"username": staff.username, "password": staff_password})
    assert response.status_code == 200
    cookie_value = response.cookies[cookie_name()].value
    cookie_key = decode_cookie_key(cookie_value)
    assert cookie_key is not None

    # An invitee redeems a one-time link, setting a canary password.
    invitee = UserFactory.create()
    MembershipFactory.create(user=invitee, organization=organization)
    redeemed_link = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=invitee, actor=staff
    )
    invitee_password = new_canary("invitee")
    pending_grant_redeem(user=invitee, link_secret=redeemed_link, new_password=invitee_password)
    invitee.set_password(invitee_password)
    invitee.save()

    # Another invitation stays pending: its wrap is in the database, its secret is not.
    pending_person = UserFactory.create()
    MembershipFactory.create(user=pending_person, organization=organization)
    pending_link = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=pending_person
    )

    # Protected data stored in a row, through the signed-in staff member's keyring.
    plaintext = new_canary("casenote")
    response = client.get(f"/index/{organization.pk}/")  # the session keyring works
    assert response.status_code == 200
    keyring = provisioned.keyring
    body = data.encrypt_for_organization(
        keyring=keyring,
        organization=organization,
        plaintext=plaintext.encode(),
        associated_data=b"record:body",
    )
    record = protected_table.objects.create(
        organization_id=organization.pk,
        body=body,
        sealed=data.seal_to_organization(organization=organization, plaintext=plaintext.encode()),
        referred=data.reencrypt_for_referral(
            keyring=keyring,
            from_organization=organization,
            to_organization=partner,
            ciphertext=body,
            associated_data=b"record:body",
        ),
        body_index=data.blind_index(
            keyring=keyring, organization=organization, field="body", value=plaintext
        ),
    )
    # The stored values still open with the keys (so they really are the canary).
    stored = protected_table.objects.get(pk=record.pk)
    assert data.decrypt(
        keyring=keyring,
        organization=organization,
        ciphertext=bytes(stored.body),
        associated_data=b"record:body",
    ) == (plaintext.encode())
    assert data.open_sealed(
        keyring=partner_keys.keyring, organization=partner, ciphertext=bytes(stored.referred)
    ) == (plaintext.encode())

    _redeemed_lookup, redeemed_secret = parse_link_secret(redeemed_link)
    pending_lookup, pending_secret = parse_link_secret(pending_link)
    partner_secrets = partner_keys.keyring.secrets_for(partner)
    canaries: list[str | bytes] = [
        secrets.data_key,
        secrets.private_key,
        partner_secrets.data_key,
        partner_secrets.private_key,
        provisioned.recovery_key.raw,
        provisioned.recovery_key.formatted,
        provisioned.recovery_key.formatted.replace("-", ""),
        partner_keys.recovery_key.formatted,
        redeemed_link,
        redeemed_secret,
        pending_link,
        pending_secret,
        pending_lookup,
        staff_password,
        invitee_password,
        cookie_value,
        cookie_key,
        plaintext,
    ]
    artifacts = assert_no_canaries(canaries, extra={"captured logs": caplog.text})
    names = {artifact.name for artifact in artifacts}
    assert any(name in names for name in ("pg_dump", "sqlite in-memory database image"))
    assert {"settings", "environment", "captured logs"} <= names

    # The dump really holds the protected rows: the same search finds their ciphertext.
    assert find_canaries([bytes(stored.body)[:32]], artifacts)
    assert find_canaries([bytes(stored.sealed)[:32]], artifacts)
