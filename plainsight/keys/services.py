"""Key custody: provisioning, granting, re-wrapping, revoking, recovering, unlocking.

Every change is audited (ids only) in the same transaction. No function here logs,
returns in an exception, or stores anything that opens data: passwords, recovery keys
and link secrets pass through memory only.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from plainsight.audit.services import audit_record
from plainsight.keys import conf
from plainsight.keys.crypto import (
    KEY_BYTES,
    OrganizationSecrets,
    link_lookup_hash,
    make_link_secret,
    parse_link_secret,
    parse_recovery_key,
    password_wrap_limits,
    random_bytes,
    unwrap_with_password,
    unwrap_with_secret,
    wrap_with_password,
    wrap_with_secret,
)
from plainsight.keys.errors import (
    AlreadyProvisioned,
    DecryptionFailed,
    InvalidLinkSecret,
    InvalidRecoveryKey,
    NotAMember,
    OrganizationKeysMissing,
    PendingGrantExpired,
    WrongPassword,
)
from plainsight.keys.keyring import Keyring, ProvisionedKeys, RecoveryKey
from plainsight.keys.models import MemberKeyWrap, OrganizationKeys, PendingGrant
from plainsight.keys.session import keyring_store
from plainsight.partners.models import Membership, Organization

if TYPE_CHECKING:
    from plainsight.accounts.models import User

logger = logging.getLogger(__name__)

RECOVERY_PURPOSE = b"ps-recovery"
GRANT_PURPOSE = b"ps-grant-link"


# --- Associated data binding every wrap to its place ----------------------------------


def _member_context(organization_id: uuid.UUID, user_id: object) -> bytes:
    return f"plainsight/member-wrap|{organization_id}|{user_id}".encode()


def _recovery_context(organization_id: uuid.UUID) -> bytes:
    return f"plainsight/recovery-wrap|{organization_id}".encode()


def _grant_context(grant_id: uuid.UUID, organization_id: uuid.UUID, user_id: object) -> bytes:
    return f"plainsight/pending-grant|{grant_id}|{organization_id}|{user_id}".encode()


def _password_wrap(*, secrets: OrganizationSecrets, organization_id: uuid.UUID, user_id: object,
                   password: str) -> bytes:  # fmt: skip
    opslimit, memlimit = conf.argon2_limits()
    return wrap_with_password(
        bundle=secrets.to_bytes(),
        password=password,
        context=_member_context(organization_id, user_id),
        opslimit=opslimit,
        memlimit=memlimit,
    )


def _password_unwrap(*, wrap: MemberKeyWrap, password: str) -> OrganizationSecrets:
    bundle = unwrap_with_password(
        wrapped=bytes(wrap.wrapped),
        password=password,
        context=_member_context(wrap.organization_id, wrap.user_id),
    )
    return OrganizationSecrets.from_bytes(bundle)


def _is_member(*, organization: Organization, user: User, active_only: bool) -> bool:
    memberships = Membership.objects.filter(organization=organization, user=user)
    if active_only:
        memberships = memberships.filter(is_active=True)
    return memberships.exists()


def _discard_wraps(*, wraps: Iterable[MemberKeyWrap], actor: User | None) -> None:
    """Delete wraps made under a password that is no longer the person's."""
    for wrap in wraps:
        wrap.delete()
        audit_record(
            actor=actor,
            action="keys.wrap_discarded",
            target_type="user",
            target_id=wrap.user_id,
            organization=Organization(pk=wrap.organization_id),
        )


# --- Provisioning and the recovery key ------------------------------------------------


def organization_keys_provision(
    *, organization: Organization, actor: User | None = None
) -> ProvisionedKeys:
    """Create the organization's key pair, data key and offline recovery key.

    Returns the recovery key, to be shown once and kept offline, and a transient keyring
    holding the new secrets so the caller can grant the first people right away
    (``member_keys_grant_by_password`` or ``pending_grant_create``). Refuses with
    ``AlreadyProvisioned`` if the organization has keys: new keys would orphan its data.
    """
    secrets = OrganizationSecrets.generate()
    recovery_raw = random_bytes(KEY_BYTES)
    try:
        with transaction.atomic():
            if OrganizationKeys.objects.filter(organization=organization).exists():
                raise AlreadyProvisioned("This organization already has keys.")
            OrganizationKeys.objects.create(
                organization=organization,
                key_version=secrets.key_version,
                public_key=secrets.public_key,
                recovery_wrap=wrap_with_secret(
                    bundle=secrets.to_bytes(),
                    secret=recovery_raw,
                    purpose=RECOVERY_PURPOSE,
                    context=_recovery_context(organization.pk),
                ),
            )
            audit_record(
                actor=actor,
                action="keys.provisioned",
                target_type="organization",
                target_id=organization.pk,
                organization=organization,
            )
    except IntegrityError as error:  # a concurrent provisioning won the race
        raise AlreadyProvisioned("This organization already has keys.") from error
    return ProvisionedKeys(
        recovery_key=RecoveryKey(organization_id=organization.pk, raw=recovery_raw),
        keyring=Keyring(secrets={organization.pk: secrets}),
    )


def _as_recovery_key(organization: Organization, recovery_key: RecoveryKey | str) -> bytes:
    if isinstance(recovery_key, RecoveryKey):
        if recovery_key.organization_id != organization.pk:
            raise InvalidRecoveryKey("That recovery key belongs to another organization.")
        return recovery_key.raw
    return parse_recovery_key(recovery_key)


def recovery_unwrap(
    *, organization: Organization, recovery_key: RecoveryKey | str, actor: User | None = None
) -> Keyring:
    """Open the organization's secrets with its offline recovery key (runbook use only).

    Every use, and every failed attempt, is audited. The keyring is transient: use it to
    create a set-password link for someone (``pending_grant_create``) and let it go.
    """
    try:
        keys = OrganizationKeys.objects.get(organization=organization)
    except OrganizationKeys.DoesNotExist:
        raise OrganizationKeysMissing("This organization has no keys.") from None
    try:
        raw = _as_recovery_key(organization, recovery_key)
        bundle = unwrap_with_secret(
            wrapped=bytes(keys.recovery_wrap),
            secret=raw,
            purpose=RECOVERY_PURPOSE,
            context=_recovery_context(organization.pk),
        )
        secrets = OrganizationSecrets.from_bytes(bundle)
    except (InvalidRecoveryKey, DecryptionFailed):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="keys.recovery_failed",
                target_type="organization",
                target_id=organization.pk,
                organization=organization,
            )
        raise InvalidRecoveryKey("That is not this organization's recovery key.") from None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="keys.recovery_used",
            target_type="organization",
            target_id=organization.pk,
            organization=organization,
        )
    return Keyring(secrets={organization.pk: secrets})


def organization_recovery_key_replace(
    *, keyring: Keyring, organization: Organization, actor: User | None = None
) -> RecoveryKey:
    """Wrap the secrets under a new recovery key; the old one stops opening anything.

    For when a custodian leaves or a printed key may have been seen. Show the new key once.
    """
    secrets = keyring.secrets_for(organization)
    raw = random_bytes(KEY_BYTES)
    with transaction.atomic():
        updated = OrganizationKeys.objects.filter(organization=organization).update(
            recovery_wrap=wrap_with_secret(
                bundle=secrets.to_bytes(),
                secret=raw,
                purpose=RECOVERY_PURPOSE,
                context=_recovery_context(organization.pk),
            ),
            recovery_replaced_at=timezone.now(),
        )
        if not updated:
            raise OrganizationKeysMissing("This organization has no keys.")
        audit_record(
            actor=actor,
            action="keys.recovery_replaced",
            target_type="organization",
            target_id=organization.pk,
            organization=organization,
        )
    return RecoveryKey(organization_id=organization.pk, raw=raw)


# --- Granting, re-wrapping and revoking a person's keys --------------------------------


def member_keys_grant_by_password(
    *,
    keyring: Keyring,
    organization: Organization,
    user: User,
    password: str,
    actor: User | None = None,
) -> None:
    """Wrap the organization's secrets under the person's current password.

    For when the server has the password in hand (demo data, a person confirming their
    password to accept access). Refuses a wrong password (``WrongPassword``) so nobody is
    locked out by a typo, and people without an active membership (``NotAMember``).
    """
    secrets = keyring.secrets_for(organization)
    if not _is_member(organization=organization, user=user, active_only=True):
        raise NotAMember("Only active members of the organization receive its keys.")
    if not user.check_password(password):
        raise WrongPassword("That is not the person's password.")
    wrapped = _password_wrap(
        secrets=secrets, organization_id=organization.pk, user_id=user.pk, password=password
    )
    with transaction.atomic():
        MemberKeyWrap.objects.update_or_create(
            organization=organization, user=user, defaults={"wrapped": wrapped}
        )
        audit_record(
            actor=actor,
            action="keys.granted",
            target_type="user",
            target_id=user.pk,
            organization=organization,
        )


def member_keys_rewrap(*, user: User, old_password: str, new_password: str) -> list[Organization]:
    """Re-wrap every one of the person's wraps under the new password (password change).

    Afterwards the old password opens nothing. Call it in the same transaction that sets
    the new password, *before* ``set_password``. A wrap the old password cannot open was
    made under an even older password (say, before a reset by e-mail) and is deleted.
    Raises ``WrongPassword`` (and changes nothing) if the old password opens none of the
    person's wraps and is not their current password. Returns the organizations re-wrapped.
    """
    with transaction.atomic():
        wraps = list(
            MemberKeyWrap.objects.select_for_update().filter(user=user).order_by("organization_id")
        )
        opened: list[tuple[MemberKeyWrap, OrganizationSecrets]] = []
        stale: list[MemberKeyWrap] = []
        for wrap in wraps:
            try:
                opened.append((wrap, _password_unwrap(wrap=wrap, password=old_password)))
            except DecryptionFailed:
                stale.append(wrap)
        if wraps and not opened and not user.check_password(old_password):
            # Nothing opened and it is not the current password either: a caller error.
            raise WrongPassword("The old password opens none of this person's keys.")
        _discard_wraps(wraps=stale, actor=user)
        organizations = []
        for wrap, secrets in opened:
            wrap.wrapped = _password_wrap(
                secrets=secrets,
                organization_id=wrap.organization_id,
                user_id=user.pk,
                password=new_password,
            )
            wrap.save(update_fields=["wrapped", "updated_at"])
            organization = Organization.objects.get(pk=wrap.organization_id)
            organizations.append(organization)
            audit_record(
                actor=user,
                action="keys.rewrapped",
                target_type="user",
                target_id=user.pk,
                organization=organization,
            )
    return organizations


def member_keys_revoke(
    *, organization: Organization, user: User, actor: User | None = None
) -> None:
    """Delete the person's wrap and pending grants for the organization.

    Takes effect at the person's next request (the session keyring only yields
    organizations the person still holds a wrap for). It cannot make the person forget
    what they already read; rotating the data key is a later feature (see the runbook).
    """
    with transaction.atomic():
        MemberKeyWrap.objects.filter(organization=organization, user=user).delete()
        PendingGrant.objects.filter(organization=organization, user=user).delete()
        audit_record(
            actor=actor,
            action="keys.revoked",
            target_type="user",
            target_id=user.pk,
            organization=organization,
        )


def member_keys_discard_all(*, user: User, actor: User | None = None) -> int:
    """Delete every copy of the person's keys, and every link still waiting to give them
    keys (an access reset took their password away and replaced their link).

    The copies were wrapped under a password that is no longer the person's; whoever
    learns it must not keep a way in. The reset's new link carries fresh copies
    (``pending_grants_create`` afterwards). Each deleted copy is audited
    (``keys.wrap_discarded``). Returns how many copies were deleted.
    """
    with transaction.atomic():
        wraps = list(MemberKeyWrap.objects.select_for_update().filter(user=user))
        _discard_wraps(wraps=wraps, actor=actor)
        PendingGrant.objects.filter(user=user).delete()
    return len(wraps)


# --- One-time grants for invitations and access resets ---------------------------------


def pending_grant_create(
    *,
    keyring: Keyring,
    organization: Organization,
    user: User,
    actor: User | None = None,
) -> str:
    """A one-time link secret that gives ``user`` the organization's keys.

    See ``pending_grants_create``.
    """
    return pending_grants_create(
        keyring=keyring, organizations=[organization], user=user, actor=actor
    )


def pending_grants_create(
    *,
    keyring: Keyring,
    organizations: Iterable[Organization],
    user: User,
    actor: User | None = None,
) -> str:
    """One link secret that gives ``user`` the keys of every organization listed.

    For an invitation (one organization) or an admin access reset (every organization
    the admin holds keys for and the person belongs to). The person must already have a
    membership (active or not) in each. The secret is returned once and goes only into
    the link; the server keeps the secrets wrapped under it and a hash of the link's
    lookup id. A newer link for the same person and organization replaces an older one.
    Expires after ``KEYS_PENDING_GRANT_SECONDS`` (72 hours by default).
    """
    targets = list(dict.fromkeys(organizations))
    if not targets:
        raise ValueError("pending_grants_create needs at least one organization.")
    for organization in targets:
        keyring.secrets_for(organization)
        if not _is_member(organization=organization, user=user, active_only=False):
            raise NotAMember("Invite the person to the organization before granting keys.")
    token, lookup, secret = make_link_secret()
    link_hash = link_lookup_hash(lookup)
    expires_at = timezone.now() + timedelta(seconds=conf.pending_grant_seconds())
    with transaction.atomic():
        PendingGrant.objects.filter(user=user, organization__in=targets).delete()
        for organization in targets:
            grant_id = uuid.uuid4()
            PendingGrant.objects.create(
                id=grant_id,
                organization=organization,
                user=user,
                link_hash=link_hash,
                wrapped=wrap_with_secret(
                    bundle=keyring.secrets_for(organization).to_bytes(),
                    secret=secret,
                    purpose=GRANT_PURPOSE,
                    context=_grant_context(grant_id, organization.pk, user.pk),
                ),
                created_by=actor if actor is not None and actor.pk else None,
                expires_at=expires_at,
            )
            audit_record(
                actor=actor,
                action="keys.pending_grant_created",
                target_type="pending_grant",
                target_id=grant_id,
                organization=organization,
            )
    return token


def open_pending_grants(
    *, link_secret: str, for_update: bool = False
) -> tuple[list[tuple[PendingGrant, OrganizationSecrets]], bool]:
    """The grants of a link with their opened secrets, and whether the link has expired.

    Raises ``InvalidLinkSecret`` if the link is unknown, used or garbled: the wraps' own
    authentication tags are the check.
    """
    lookup, secret = parse_link_secret(link_secret)
    grants = PendingGrant.objects.filter(link_hash=link_lookup_hash(lookup))
    if for_update:
        grants = grants.select_for_update()
    found = list(grants.order_by("organization_id"))
    if not found:
        raise InvalidLinkSecret("Unknown or used link.")
    opened = []
    for grant in found:
        try:
            bundle = unwrap_with_secret(
                wrapped=bytes(grant.wrapped),
                secret=secret,
                purpose=GRANT_PURPOSE,
                context=_grant_context(grant.pk, grant.organization_id, grant.user_id),
            )
            opened.append((grant, OrganizationSecrets.from_bytes(bundle)))
        except DecryptionFailed:
            raise InvalidLinkSecret("Unknown or used link.") from None
    expired = any(grant.expires_at <= timezone.now() for grant in found)
    return opened, expired


def pending_grant_redeem(*, user: User, link_secret: str, new_password: str) -> list[Organization]:
    """Use a one-time link: wrap its organizations' keys under the person's new password.

    Call it in the same transaction that sets ``new_password`` as the person's password
    (invitation acceptance, access reset). The grants are deleted: the link works once.
    The person's other wraps that ``new_password`` does not open were made under a
    password that is no longer theirs, and are deleted too (whoever knew the old password
    must not keep a way in). Organizations where the membership is no longer active are
    skipped. Returns the organizations granted. Raises ``InvalidLinkSecret`` (or its
    subclass ``PendingGrantExpired``).
    """
    with transaction.atomic():
        opened, expired = open_pending_grants(link_secret=link_secret, for_update=True)
        if any(grant.user_id != user.pk for grant, _secrets in opened):
            raise InvalidLinkSecret("Unknown or used link.")
        if expired:
            raise PendingGrantExpired("The link has expired.")
        active = set(
            Membership.objects.filter(user=user, is_active=True).values_list(
                "organization_id", flat=True
            )
        )
        granted: list[Organization] = []
        for grant, secrets in opened:
            if grant.organization_id in active:
                MemberKeyWrap.objects.update_or_create(
                    organization_id=grant.organization_id,
                    user=user,
                    defaults={
                        "wrapped": _password_wrap(
                            secrets=secrets,
                            organization_id=grant.organization_id,
                            user_id=user.pk,
                            password=new_password,
                        )
                    },
                )
                granted.append(grant.organization)
            grant.delete()
            audit_record(
                actor=user,
                action="keys.pending_grant_redeemed",
                target_type="pending_grant",
                target_id=grant.pk,
                organization=grant.organization,
            )
        granted_ids = {organization.pk for organization in granted}
        stale = []
        for wrap in MemberKeyWrap.objects.select_for_update().filter(user=user):
            if wrap.organization_id in granted_ids:
                continue
            try:
                _password_unwrap(wrap=wrap, password=new_password)
            except DecryptionFailed:
                stale.append(wrap)
        _discard_wraps(wraps=stale, actor=user)
    return granted


def pending_grants_purge_expired() -> int:
    """Delete expired pending grants (a periodic job may call this). Returns the count."""
    with transaction.atomic():
        expired = list(
            PendingGrant.objects.select_for_update()
            .filter(expires_at__lte=timezone.now())
            .select_related("organization")
        )
        for grant in expired:
            grant.delete()
            audit_record(
                actor=None,
                action="keys.pending_grant_expired",
                target_type="pending_grant",
                target_id=grant.pk,
                organization=grant.organization,
            )
    return len(expired)


# --- Unlocking at login ----------------------------------------------------------------


def keyring_unlock_at_login(*, request: HttpRequest, user: User, password: str) -> Keyring:
    """Open the person's wraps with the password just verified, keep them for the session.

    Call it right after the password was checked, with the same password: either after
    ``django.contrib.auth.login()``, or at the password step of a two-factor sign-in
    (the keyring is bound to the person and opens only once they are fully signed in).
    Only organizations where the person has an active membership are opened. The session
    stores the keyring encrypted; ``KeyringMiddleware`` sends its key in a cookie.

    A wrap the password cannot open was made under an older password (for example before
    a password reset by e-mail) and is deleted. If the password opens nothing and is not
    the person's password, raises ``WrongPassword`` and changes nothing.
    """
    keyring = keyring_unlock_with_password(user=user, password=password)
    keyring_store(request=request, keyring=keyring)
    return keyring


def keyring_unlock_with_password(*, user: User, password: str) -> Keyring:
    """The person's keyring, opened with their password, without touching any session.

    Same rules as ``keyring_unlock_at_login`` (active memberships only; stale wraps are
    deleted; wraps made with weaker Argon2id limits than configured are strengthened).
    """
    active = Membership.objects.filter(
        user=user, is_active=True, organization__is_active=True
    ).values("organization_id")
    wraps = list(MemberKeyWrap.objects.filter(user=user, organization_id__in=active))
    secrets: dict[uuid.UUID, OrganizationSecrets] = {}
    stale: list[MemberKeyWrap] = []
    for wrap in wraps:
        try:
            secrets[wrap.organization_id] = _password_unwrap(wrap=wrap, password=password)
        except DecryptionFailed:
            stale.append(wrap)
            continue
        if password_wrap_limits(bytes(wrap.wrapped)) != conf.argon2_limits():
            # Settings changed since this wrap was made: re-make it with the current limits.
            wrap.wrapped = _password_wrap(
                secrets=secrets[wrap.organization_id],
                organization_id=wrap.organization_id,
                user_id=user.pk,
                password=password,
            )
            wrap.save(update_fields=["wrapped", "updated_at"])
    if stale:
        if not secrets and not user.check_password(password):
            raise WrongPassword("That is not the person's password.")
        with transaction.atomic():
            _discard_wraps(wraps=stale, actor=user)
    _check_public_keys(secrets)
    return Keyring(secrets=secrets, user_id=user.pk)


def _check_public_keys(secrets: dict[uuid.UUID, OrganizationSecrets]) -> None:
    """Someone able to write the database could swap a public key so that new tips are
    sealed to them. Each login compares the stored public key with the private key."""
    stored = dict(
        OrganizationKeys.objects.filter(organization_id__in=secrets).values_list(
            "organization_id", "public_key"
        )
    )
    for organization_id, organization_secrets in secrets.items():
        public_key = stored.get(organization_id)
        if public_key is not None and bytes(public_key) != organization_secrets.public_key:
            logger.error("Stored public key does not match for organization %s", organization_id)
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="keys.public_key_mismatch",
                    target_type="organization",
                    target_id=organization_id,
                    organization=Organization(pk=organization_id),
                )
