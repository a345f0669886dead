"""Custody services against the database: provision, grant, rewrap, revoke, links, recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from plainsight.accounts.tests.factories import UserFactory
from plainsight.audit.models import AuditEvent
from plainsight.keys import data
from plainsight.keys.crypto import password_wrap_limits
from plainsight.keys.errors import (
    AlreadyProvisioned,
    InvalidLinkSecret,
    InvalidRecoveryKey,
    NotAMember,
    OrganizationKeysMissing,
    PendingGrantExpired,
    WrongPassword,
)
from plainsight.keys.keyring import Keyring
from plainsight.keys.models import MemberKeyWrap, OrganizationKeys, PendingGrant
from plainsight.keys.selectors import (
    organization_keys_exist,
    organization_keys_status,
    organizations_without_keys_for,
    pending_grant_exists_for,
    pending_grant_for_link,
)
from plainsight.keys.services import (
    keyring_unlock_at_login,
    member_keys_grant_by_password,
    member_keys_revoke,
    member_keys_rewrap,
    organization_keys_provision,
    organization_recovery_key_replace,
    pending_grant_create,
    pending_grant_redeem,
    pending_grants_create,
    pending_grants_purge_expired,
    recovery_unwrap,
)
from plainsight.keys.tests.conftest import PASSWORD
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a completely different passphrase"


def unlock(user, password=PASSWORD) -> Keyring:
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[assignment]
    return keyring_unlock_at_login(request=request, user=user, password=password)


def can_read(keyring: Keyring, organization, provisioned) -> bool:
    """Whether ``keyring`` opens data written with the organization's real keys."""
    ciphertext = data.encrypt_for_organization(
        keyring=provisioned.keyring, organization=organization, plaintext=b"probe"
    )
    try:
        return data.decrypt(keyring=keyring, organization=organization, ciphertext=ciphertext) == (
            b"probe"
        )
    except OrganizationKeysMissing:
        return False


def actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


# --- Provisioning ---------------------------------------------------------------------


def test_provision_stores_public_key_and_recovery_wrap_only(organization) -> None:
    actor = UserFactory.create()
    provisioned = organization_keys_provision(organization=organization, actor=actor)
    keys = OrganizationKeys.objects.get(organization=organization)
    secrets = provisioned.keyring.secrets_for(organization)
    assert bytes(keys.public_key) == secrets.public_key
    assert secrets.private_key not in bytes(keys.recovery_wrap)
    assert secrets.data_key not in bytes(keys.recovery_wrap)
    assert organization_keys_exist(organization=organization)
    assert "hidden" in repr(provisioned.recovery_key)
    assert provisioned.recovery_key.formatted not in repr(provisioned)
    event = AuditEvent.objects.get(action="keys.provisioned")
    assert (event.actor_id, event.organization_id) == (actor.pk, organization.pk)
    assert event.target_id == str(organization.pk)


def test_provision_refuses_a_second_time(organization) -> None:
    organization_keys_provision(organization=organization)
    before = bytes(OrganizationKeys.objects.get(organization=organization).public_key)
    with pytest.raises(AlreadyProvisioned):
        organization_keys_provision(organization=organization)
    assert bytes(OrganizationKeys.objects.get(organization=organization).public_key) == before
    assert actions().count("keys.provisioned") == 1


def test_unprovisioned_organization_cannot_be_sealed_to(organization) -> None:
    assert not organization_keys_exist(organization=organization)
    with pytest.raises(OrganizationKeysMissing):
        data.seal_to_organization(organization=organization, plaintext=b"tip")


# --- Granting and unlocking -----------------------------------------------------------


def test_grant_by_password_then_unlock_opens_data(organization, provisioned, member) -> None:
    admin = UserFactory.create()
    member_keys_grant_by_password(
        keyring=provisioned.keyring,
        organization=organization,
        user=member,
        password=PASSWORD,
        actor=admin,
    )
    wrap = MemberKeyWrap.objects.get(organization=organization, user=member)
    secrets = provisioned.keyring.secrets_for(organization)
    assert secrets.data_key not in bytes(wrap.wrapped)
    keyring = unlock(member)
    assert keyring.organization_ids == {organization.pk}
    assert can_read(keyring, organization, provisioned)
    event = AuditEvent.objects.get(action="keys.granted")
    assert (event.actor_id, event.target_id) == (admin.pk, str(member.pk))


def test_grant_refuses_wrong_password_and_non_members(organization, provisioned, member) -> None:
    with pytest.raises(WrongPassword):
        member_keys_grant_by_password(
            keyring=provisioned.keyring, organization=organization, user=member, password="nope"
        )
    outsider = UserFactory.create()
    with pytest.raises(NotAMember):
        member_keys_grant_by_password(
            keyring=provisioned.keyring, organization=organization, user=outsider, password=PASSWORD
        )
    other = OrganizationFactory.create()
    with pytest.raises(OrganizationKeysMissing):
        member_keys_grant_by_password(
            keyring=provisioned.keyring, organization=other, user=member, password=PASSWORD
        )
    assert not MemberKeyWrap.objects.exists()


def test_unlock_with_wrong_password_changes_nothing(organization, provisioned, member) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    with pytest.raises(WrongPassword):
        unlock(member, "wrong password")
    assert MemberKeyWrap.objects.filter(user=member).count() == 1


def test_unlock_skips_inactive_memberships_and_organizations(
    organization, provisioned, member
) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    member.memberships.update(is_active=False)
    assert unlock(member).organization_ids == frozenset()
    member.memberships.update(is_active=True)
    organization.is_active = False
    organization.save()
    assert unlock(member).organization_ids == frozenset()


def test_unlock_discards_stale_wraps_after_an_out_of_band_password_reset(
    organization, provisioned, member
) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    # e.g. a password reset by e-mail: the e-mail alone must not give access to data.
    member.set_password(NEW_PASSWORD)
    member.save()
    keyring = unlock(member, NEW_PASSWORD)
    assert keyring.organization_ids == frozenset()
    assert not MemberKeyWrap.objects.filter(user=member).exists()
    assert "keys.wrap_discarded" in actions()


def test_unlock_strengthens_wraps_made_with_weaker_limits(
    settings, organization, provisioned, member
) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    settings.KEYS_ARGON2_OPSLIMIT = 2
    unlock(member)
    wrap = MemberKeyWrap.objects.get(user=member)
    assert password_wrap_limits(bytes(wrap.wrapped))[0] == 2
    assert can_read(unlock(member), organization, provisioned)


def test_default_argon2_limits_are_at_least_interactive() -> None:
    import nacl.pwhash

    from plainsight.keys import conf

    assert conf.DEFAULT_OPSLIMIT >= nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
    assert conf.DEFAULT_MEMLIMIT >= nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


def test_real_argon2_limits_wrap_and_unlock(settings, organization, provisioned, member) -> None:
    """The fast limits every other test uses are a test setting: once, the production
    defaults end to end (grant, unlock, the limits recorded in the wrap)."""
    from plainsight.keys import conf

    settings.KEYS_ARGON2_OPSLIMIT = conf.DEFAULT_OPSLIMIT
    settings.KEYS_ARGON2_MEMLIMIT = conf.DEFAULT_MEMLIMIT
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    wrap = MemberKeyWrap.objects.get(user=member)
    assert password_wrap_limits(bytes(wrap.wrapped)) == (
        conf.DEFAULT_OPSLIMIT,
        conf.DEFAULT_MEMLIMIT,
    )
    assert can_read(unlock(member), organization, provisioned)


def test_real_argon2_limits_are_the_settings_defaults() -> None:
    """config/settings.py uses the module's defaults when the environment says nothing
    (tests override them through the settings fixture only)."""
    import re
    from pathlib import Path

    from django.conf import settings as django_settings

    from plainsight.keys import conf

    source = (Path(django_settings.BASE_DIR) / "config" / "settings.py").read_text()
    assert re.search(r'env\("KEYS_ARGON2_OPSLIMIT", "3"\)', source)
    assert re.search(r'env\("KEYS_ARGON2_MEMLIMIT", str\(64 \* 1024 \* 1024\)\)', source)
    assert (conf.DEFAULT_OPSLIMIT, conf.DEFAULT_MEMLIMIT) == (3, 64 * 1024 * 1024)


def test_production_check_refuses_weak_limits(settings) -> None:
    from plainsight.keys.checks import check_argon2_limits

    settings.PRODUCTION = True
    assert [error.id for error in check_argon2_limits()] == ["keys.E002"]
    settings.KEYS_ARGON2_OPSLIMIT = 3
    settings.KEYS_ARGON2_MEMLIMIT = 64 * 1024 * 1024
    assert check_argon2_limits() == []


# --- Password change ------------------------------------------------------------------


def test_password_change_rewraps_and_old_password_opens_nothing(
    organization, provisioned, member
) -> None:
    second = OrganizationFactory.create()
    second_keys = organization_keys_provision(organization=second)
    MembershipFactory.create(user=member, organization=second)
    for org, keys in ((organization, provisioned), (second, second_keys)):
        member_keys_grant_by_password(
            keyring=keys.keyring, organization=org, user=member, password=PASSWORD
        )
    before = {w.pk: bytes(w.wrapped) for w in MemberKeyWrap.objects.filter(user=member)}
    rewrapped = member_keys_rewrap(user=member, old_password=PASSWORD, new_password=NEW_PASSWORD)
    member.set_password(NEW_PASSWORD)
    member.save()
    assert {org.pk for org in rewrapped} == {organization.pk, second.pk}
    after = {w.pk: bytes(w.wrapped) for w in MemberKeyWrap.objects.filter(user=member)}
    assert before.keys() == after.keys() and all(before[k] != after[k] for k in before)
    keyring = unlock(member, NEW_PASSWORD)
    assert can_read(keyring, organization, provisioned) and can_read(keyring, second, second_keys)
    with pytest.raises(WrongPassword):
        unlock(member, PASSWORD)
    assert MemberKeyWrap.objects.filter(user=member).count() == 2
    assert actions().count("keys.rewrapped") == 2


def test_rewrap_with_wrong_old_password_changes_nothing(organization, provisioned, member) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    before = bytes(MemberKeyWrap.objects.get(user=member).wrapped)
    with pytest.raises(WrongPassword):
        member_keys_rewrap(user=member, old_password="wrong", new_password=NEW_PASSWORD)
    assert bytes(MemberKeyWrap.objects.get(user=member).wrapped) == before


def test_rewrap_without_wraps_is_a_no_op(member) -> None:
    assert member_keys_rewrap(user=member, old_password=PASSWORD, new_password="x") == []


# --- Revoking -------------------------------------------------------------------------


def test_revoke_removes_wrap_and_pending_grants(organization, provisioned, member) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    pending_grant_create(keyring=provisioned.keyring, organization=organization, user=member)
    member_keys_revoke(organization=organization, user=member)
    assert not MemberKeyWrap.objects.exists() and not PendingGrant.objects.exists()
    assert unlock(member).organization_ids == frozenset()
    assert "keys.revoked" in actions()


# --- One-time links -------------------------------------------------------------------


def test_pending_grant_redeem_gives_keys_once(organization, provisioned) -> None:
    invitee = UserFactory.create()  # no usable password yet, as when invited
    MembershipFactory.create(user=invitee, organization=organization)
    admin = UserFactory.create()
    token = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=invitee, actor=admin
    )
    grant = PendingGrant.objects.get()
    assert token not in grant.link_hash and grant.created_by == admin
    assert pending_grant_exists_for(user=invitee) and not pending_grant_exists_for(user=admin)
    link = pending_grant_for_link(link_secret=token)
    assert link is not None and link.user_id == invitee.pk and not link.expired
    assert link.organization_ids == (organization.pk,)

    granted = pending_grant_redeem(user=invitee, link_secret=token, new_password=NEW_PASSWORD)
    invitee.set_password(NEW_PASSWORD)
    invitee.save()
    assert granted == [organization]
    assert not PendingGrant.objects.exists()
    assert not pending_grant_exists_for(user=invitee)
    assert can_read(unlock(invitee, NEW_PASSWORD), organization, provisioned)
    with pytest.raises(InvalidLinkSecret):
        pending_grant_redeem(user=invitee, link_secret=token, new_password="again")
    assert pending_grant_for_link(link_secret=token) is None
    assert {"keys.pending_grant_created", "keys.pending_grant_redeemed"} <= set(actions())


def test_pending_grant_refuses_wrong_secret_user_or_garbage(organization, provisioned) -> None:
    invitee = UserFactory.create()
    MembershipFactory.create(user=invitee, organization=organization)
    token = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=invitee
    )
    # Same lookup id, another secret: the AEAD tag is the only check, and it fails.
    forged = token[:22] + ("A" if token[22] != "A" else "B") + token[23:]
    someone_else = UserFactory.create()
    MembershipFactory.create(user=someone_else, organization=organization)
    for user, secret in ((invitee, forged), (someone_else, token), (invitee, "garbage")):
        with pytest.raises(InvalidLinkSecret):
            pending_grant_redeem(user=user, link_secret=secret, new_password=NEW_PASSWORD)
    assert pending_grant_for_link(link_secret=forged) is None
    assert PendingGrant.objects.count() == 1
    assert not MemberKeyWrap.objects.exists()


def test_pending_grant_expires(settings, organization, provisioned) -> None:
    invitee = UserFactory.create()
    MembershipFactory.create(user=invitee, organization=organization)
    token = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=invitee
    )
    later = timezone.now() + timedelta(seconds=settings.KEYS_PENDING_GRANT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        link = pending_grant_for_link(link_secret=token)
        assert link is not None and link.expired
        with pytest.raises(PendingGrantExpired):
            pending_grant_redeem(user=invitee, link_secret=token, new_password=NEW_PASSWORD)
        assert pending_grants_purge_expired() == 1
    assert not PendingGrant.objects.exists()
    assert "keys.pending_grant_expired" in actions()


def test_newer_link_replaces_older_one(organization, provisioned) -> None:
    invitee = UserFactory.create()
    MembershipFactory.create(user=invitee, organization=organization)
    old = pending_grant_create(keyring=provisioned.keyring, organization=organization, user=invitee)
    new = pending_grant_create(keyring=provisioned.keyring, organization=organization, user=invitee)
    with pytest.raises(InvalidLinkSecret):
        pending_grant_redeem(user=invitee, link_secret=old, new_password=NEW_PASSWORD)
    assert pending_grant_redeem(user=invitee, link_secret=new, new_password=NEW_PASSWORD)


def test_pending_grant_needs_membership_and_keys(organization, provisioned) -> None:
    outsider = UserFactory.create()
    with pytest.raises(NotAMember):
        pending_grant_create(keyring=provisioned.keyring, organization=organization, user=outsider)
    other = OrganizationFactory.create()
    MembershipFactory.create(user=outsider, organization=other)
    with pytest.raises(OrganizationKeysMissing):
        pending_grant_create(keyring=provisioned.keyring, organization=other, user=outsider)


def test_redeem_skips_deactivated_membership(organization, provisioned) -> None:
    invitee = UserFactory.create()
    membership = MembershipFactory.create(user=invitee, organization=organization)
    token = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=invitee
    )
    membership.is_active = False
    membership.save()
    assert pending_grant_redeem(user=invitee, link_secret=token, new_password=NEW_PASSWORD) == []
    assert not MemberKeyWrap.objects.exists() and not PendingGrant.objects.exists()


def test_admin_access_reset_rewraps_and_discards_wraps_under_the_old_password(
    organization, provisioned, member
) -> None:
    """An org admin resets a person who belongs to two organizations but administers one:
    the person gets the admin's organization back under the new password; the other
    organization's wrap, under a password that is no longer theirs, is deleted."""
    second = OrganizationFactory.create()
    second_keys = organization_keys_provision(organization=second)
    MembershipFactory.create(user=member, organization=second)
    for org, keys in ((organization, provisioned), (second, second_keys)):
        member_keys_grant_by_password(
            keyring=keys.keyring, organization=org, user=member, password=PASSWORD
        )
    token = pending_grant_create(
        keyring=provisioned.keyring, organization=organization, user=member
    )
    pending_grant_redeem(user=member, link_secret=token, new_password=NEW_PASSWORD)
    member.set_password(NEW_PASSWORD)
    member.save()
    assert set(
        MemberKeyWrap.objects.filter(user=member).values_list("organization", flat=True)
    ) == {organization.pk}
    assert can_read(unlock(member, NEW_PASSWORD), organization, provisioned)
    assert organizations_without_keys_for(user=member) == [second]


def test_existing_member_accepts_a_second_organization_with_current_password(
    organization, provisioned, member
) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    second = OrganizationFactory.create()
    second_keys = organization_keys_provision(organization=second)
    MembershipFactory.create(user=member, organization=second)
    token = pending_grant_create(keyring=second_keys.keyring, organization=second, user=member)
    pending_grant_redeem(user=member, link_secret=token, new_password=PASSWORD)
    keyring = unlock(member)
    assert can_read(keyring, organization, provisioned) and can_read(keyring, second, second_keys)


def test_one_link_for_several_organizations(organization, provisioned, member) -> None:
    second = OrganizationFactory.create()
    second_keys = organization_keys_provision(organization=second)
    MembershipFactory.create(user=member, organization=second)
    admin_keyring = Keyring(
        secrets={
            organization.pk: provisioned.keyring.secrets_for(organization),
            second.pk: second_keys.keyring.secrets_for(second),
        }
    )
    token = pending_grants_create(
        keyring=admin_keyring, organizations=[organization, second], user=member
    )
    link = pending_grant_for_link(link_secret=token)
    assert link is not None and set(link.organization_ids) == {organization.pk, second.pk}
    granted = pending_grant_redeem(user=member, link_secret=token, new_password=NEW_PASSWORD)
    assert {org.pk for org in granted} == {organization.pk, second.pk}
    keyring = unlock(member, NEW_PASSWORD)
    assert can_read(keyring, organization, provisioned) and can_read(keyring, second, second_keys)


# --- Recovery -------------------------------------------------------------------------


def test_recovery_key_opens_the_organization(organization, provisioned) -> None:
    keyring = recovery_unwrap(
        organization=organization, recovery_key=provisioned.recovery_key.formatted
    )
    assert can_read(keyring, organization, provisioned)
    keyring = recovery_unwrap(organization=organization, recovery_key=provisioned.recovery_key)
    assert can_read(keyring, organization, provisioned)
    assert actions().count("keys.recovery_used") == 2


def test_wrong_recovery_key_fails_and_is_audited(organization, provisioned) -> None:
    other = OrganizationFactory.create()
    other_keys = organization_keys_provision(organization=other)
    for wrong in (other_keys.recovery_key.formatted, other_keys.recovery_key, "AAAA-BBBB"):
        with pytest.raises(InvalidRecoveryKey):
            recovery_unwrap(organization=organization, recovery_key=wrong)
    assert actions().count("keys.recovery_failed") == 3
    with pytest.raises(OrganizationKeysMissing):
        recovery_unwrap(
            organization=OrganizationFactory.create(),
            recovery_key=provisioned.recovery_key.formatted,
        )


def test_recovery_key_replacement(organization, provisioned) -> None:
    new_key = organization_recovery_key_replace(
        keyring=provisioned.keyring, organization=organization
    )
    with pytest.raises(InvalidRecoveryKey):
        recovery_unwrap(organization=organization, recovery_key=provisioned.recovery_key.formatted)
    assert can_read(
        recovery_unwrap(organization=organization, recovery_key=new_key.formatted),
        organization,
        provisioned,
    )
    assert organization_keys_status(organization=organization).recovery_replaced_at is not None


def test_status_lists_holders_pending_and_members_without_keys(
    organization, provisioned, member
) -> None:
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    invitee = UserFactory.create()
    MembershipFactory.create(user=invitee, organization=organization)
    pending_grant_create(keyring=provisioned.keyring, organization=organization, user=invitee)
    status = organization_keys_status(organization=organization)
    assert status.provisioned and status.key_version == 1
    assert status.holder_ids == (member.pk,)
    assert [user_id for user_id, _expires in status.pending] == [invitee.pk]
    assert status.members_without_keys == (invitee.pk,)


def test_rewrap_discards_wraps_made_under_an_older_password(
    organization, provisioned, member
) -> None:
    """A password change after an e-mail reset: the current password is right, but the
    wraps were made under the password before the reset. They are useless; drop them."""
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    member.set_password("reset by e-mail")
    member.save()
    assert (
        member_keys_rewrap(user=member, old_password="reset by e-mail", new_password=NEW_PASSWORD)
        == []
    )
    assert not MemberKeyWrap.objects.exists()
    assert "keys.wrap_discarded" in actions()
