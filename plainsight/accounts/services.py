"""Writes about people and their access. Each change is audited in its own transaction.

These are the ONLY places in PlainSight that hold a person's plaintext password, and
the places where one-time links are created; each one keeps the person's copies of
their organizations' keys in step (``plainsight.keys``, docs/runbooks/keys.md §9):

* :func:`account_login_password_verified` — a login (or a re-authentication) whose
  password was just verified, before the second factor: the password opens the
  person's keys, kept for the session under a key only their browser holds.
* :func:`account_invite` and :func:`account_access_reset` — an admin creates a
  one-time link; the organization's keys (from the admin's session keyring, or a
  keyring given by the caller) wait for the person under a secret carried only in the
  link (``plainsight.accounts.links``).
* :func:`account_password_set_from_token` — the person opens the link and chooses a
  password: the waiting keys are wrapped under it, in the same transaction.
* :func:`account_password_change` — the person changes their own password: their keys
  are re-wrapped under the new one, and the old one opens nothing any more.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plainsight.accounts.access import can_administer, is_platform_admin
from plainsight.accounts.links import access_code
from plainsight.accounts.models import AccountToken, AccountTokenPurpose, User
from plainsight.accounts.selectors import account_token_for, no_keys_message, token_digest
from plainsight.audit.services import audit_record
from plainsight.keys import conf as keys_conf
from plainsight.keys.errors import InvalidLinkSecret, NotAMember, PendingGrantExpired
from plainsight.keys.models import MemberKeyWrap
from plainsight.keys.selectors import keyring_for, organization_keys_exist, pending_grant_exists_for
from plainsight.keys.services import (
    keyring_unlock_at_login,
    member_keys_discard_all,
    member_keys_rewrap,
    pending_grant_redeem,
    pending_grants_create,
)
from plainsight.partners.models import Membership, Organization, Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from plainsight.keys.keyring import Keyring

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits: guessing is hopeless, so a fast digest is enough
MAX_EMAIL_LENGTH = 150  # the email doubles as the (unique) username


class InvalidToken(ValidationError):
    """The one-time link is unknown, used, replaced, expired or for a deactivated person."""


class InvalidAccessCode(ValidationError):
    """The link's account part is fine but its keys part is missing or does not open the
    keys waiting for the person: the code was cut short or mistyped. The link stays
    usable; nothing was saved."""


@dataclass(frozen=True)
class IssuedLink:
    """A one-time link just created: its secrets exist only here and in the link.

    ``keys_secret`` is set when organization keys wait for the person under the link.
    Show people :attr:`code` (``plainsight.accounts.links``), never the parts alone.
    """

    user: User
    token: str = field(repr=False)
    expires_at: datetime
    purpose: str
    keys_secret: str = field(default="", repr=False)
    # Organizations whose keys travel with the link (ids), and how many other
    # organizations of the person the link could not carry keys for (access resets).
    keys_organization_ids: tuple[object, ...] = ()
    keys_left_behind: int = 0

    @property
    def code(self) -> str:
        return access_code(token=self.token, keys_secret=self.keys_secret)

    @property
    def carries_keys(self) -> bool:
        return bool(self.keys_secret)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _issue_token(
    *,
    user: User,
    purpose: str,
    organization: Organization | None,
    actor: User | None,
    valid_for: timedelta,
) -> IssuedLink:
    now = timezone.now()
    # One live link per person: a new one replaces any earlier one.
    AccountToken.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + valid_for
    AccountToken.objects.create(
        user=user,
        purpose=purpose,
        token_hash=token_digest(token),
        organization=organization,
        created_by=actor,
        expires_at=expires_at,
    )
    return IssuedLink(user=user, token=token, expires_at=expires_at, purpose=purpose)


def _link_lifetime(valid_for: timedelta, *, carries_keys: bool) -> timedelta:
    """A link carrying keys dies with its keys (``KEYS_PENDING_GRANT_SECONDS``) so that
    the account part never outlives the keys part."""
    if not carries_keys:
        return valid_for
    return min(valid_for, timedelta(seconds=keys_conf.pending_grant_seconds()))


def _link_keyring(
    *,
    actor: User | None,
    organization: Organization | None,
    keyring: Keyring | None,
    request: HttpRequest | None,
) -> Keyring | None:
    """The keyring whose keys a new one-time link for ``organization`` carries.

    ``None`` when the organization has no keys (nothing to carry). Otherwise the keyring
    given, else the acting admin's session keyring (``KeysLocked`` propagates: the
    middleware asks the admin to sign in again, and nothing is saved). An admin who does
    not hold the organization's keys is refused rather than handing out a link without
    them. Only the system itself (no actor, no request, no keyring: the demo loader,
    which then grants keys with the person's password) creates links without keys.
    """
    if organization is None or not organization_keys_exist(organization=organization):
        return None
    explicit = keyring is not None
    if keyring is None and request is not None:
        keyring = keyring_for(request)
    if keyring is not None and keyring.can_open(organization):
        return keyring
    if not explicit and request is None and actor is None:
        return None
    raise ValidationError(no_keys_message(organization), code="no_keys")


def _check_admin(actor: User | None, organization: Organization) -> None:
    """Services re-check what selectors decided: ``actor=None`` is the system itself."""
    if actor is not None and not can_administer(actor, organization):
        raise PermissionDenied


def validate_roles(*, actor: User | None, roles: Iterable[str]) -> list[str]:
    """The roles, checked: at least one, all known, platform admin only from one."""
    wanted = sorted(set(roles))
    if not wanted:
        raise ValidationError({"roles": _("Choose at least one role.")})
    unknown = [role for role in wanted if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Choose roles from the list.")})
    if Role.PLATFORM_ADMIN in wanted and actor is not None and not is_platform_admin(actor):
        raise ValidationError(
            {"roles": _("Only a platform admin can make someone a platform admin.")}
        )
    return wanted


def _validate_caseworker_facts(
    *,
    organization: Organization,
    training_hours: Decimal,
    supervisor: User | None,
    trafficking_months: int,
) -> None:
    errors: dict[str, str] = {}
    if training_hours < 0 or training_hours > Decimal("9999.9"):
        errors["caseworker_training_hours"] = _("Enter a number of hours between 0 and 9999.9.")
    if trafficking_months < 0 or trafficking_months > 1200:
        errors["caseworker_trafficking_months"] = _("Enter a number of months between 0 and 1200.")
    if (
        supervisor is not None
        and not Membership.objects.filter(
            user=supervisor, organization=organization, is_active=True, user__is_active=True
        ).exists()
    ):
        errors["caseworker_supervisor"] = _(
            "The training supervisor must be an active member of this organization."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_invite(
    *,
    actor: User | None,
    organization: Organization,
    email: str,
    first_name: str,
    last_name: str,
    roles: Iterable[str],
    is_mandated_reporter: bool = False,
    caseworker_training_hours: Decimal = Decimal(0),
    caseworker_supervisor: User | None = None,
    caseworker_has_degree_or_license: bool = False,
    caseworker_trafficking_months: int = 0,
    request: HttpRequest | None = None,
    keyring: Keyring | None = None,
) -> IssuedLink:
    """Create a person with ``roles`` in ``organization`` and a one-time invitation link.

    The person has no usable password until they open the link and choose one; then
    they must enrol a second factor before anything else. Nothing is saved if any
    check fails. If the organization has keys, they travel with the link: from
    ``keyring`` (say, just provisioned) or from the acting admin's session (``request``);
    see :func:`_link_keyring` for who is refused.
    """
    _check_admin(actor, organization)
    if not organization.is_active:
        raise ValidationError(_("This organization is deactivated."))
    link_keyring = _link_keyring(
        actor=actor, organization=organization, keyring=keyring, request=request
    )
    email = normalize_email(email)
    first_name = first_name.strip()
    last_name = last_name.strip()
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if len(email) > MAX_EMAIL_LENGTH:
        errors["email"] = _("Enter an email address of at most 150 characters.")
    if "email" not in errors and (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        errors["email"] = _(
            "Someone with this email address already has an account. Ask a platform admin"
            " to add them to your organization."
        )
    if not first_name and not last_name:
        errors["first_name"] = _("Enter the person's name.")
    if errors:
        raise ValidationError(errors)
    wanted = validate_roles(actor=actor, roles=roles)
    _validate_caseworker_facts(
        organization=organization,
        training_hours=caseworker_training_hours,
        supervisor=caseworker_supervisor,
        trafficking_months=caseworker_trafficking_months,
    )

    user = User(
        username=email,
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
        is_mandated_reporter=is_mandated_reporter,
        caseworker_training_hours=caseworker_training_hours,
        caseworker_supervisor=caseworker_supervisor,
        caseworker_has_degree_or_license=caseworker_has_degree_or_license,
        caseworker_trafficking_months=caseworker_trafficking_months,
    )
    user.set_unusable_password()
    user.save()
    from allauth.account.models import EmailAddress

    # The invitation vouches for the address: the link reaches the person through it
    # or through the admin who knows them.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    memberships = [
        Membership.objects.create(user=user, organization=organization, role=role)
        for role in wanted
    ]
    issued = _issue_token(
        user=user,
        purpose=AccountTokenPurpose.INVITATION,
        organization=organization,
        actor=actor,
        valid_for=_link_lifetime(
            timedelta(days=settings.ACCOUNT_INVITATION_VALID_DAYS),
            carries_keys=link_keyring is not None,
        ),
    )
    if link_keyring is not None:
        keys_secret = pending_grants_create(
            keyring=link_keyring, organizations=[organization], user=user, actor=actor
        )
        issued = IssuedLink(
            user=user,
            token=issued.token,
            expires_at=issued.expires_at,
            purpose=issued.purpose,
            keys_secret=keys_secret,
            keys_organization_ids=(organization.pk,),
        )
    # Audit last: the chain head stays locked until the transaction commits.
    audit_record(
        actor=actor,
        action="account.invited",
        target_type="user",
        target_id=user.pk,
        organization=organization,
    )
    for membership in memberships:
        audit_record(
            actor=actor,
            action="membership.role_added",
            target_type="membership",
            target_id=membership.pk,
            organization=organization,
        )
    return issued


def _live_token(token: str) -> AccountToken:
    found = account_token_for(token=token, for_update=True)
    if found is None:
        raise InvalidToken(_("This link is not valid any more."), code="invalid_token")
    return found


def incomplete_code_message() -> str:
    return _(
        "This code is not complete, or it was mistyped. Copy the whole code again (or open"
        " the whole link). If it still does not work, ask your organization's admin for a"
        " new link."
    )


@transaction.atomic
def account_password_set_from_token(
    *,
    token: str,
    new_password: str,
    keys_secret: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Accept an invitation or use a reset link: the person chooses their password.

    The link works once. ``keys_secret`` is the keys part of the link's access code:
    the organization keys waiting under it are wrapped under ``new_password`` in this
    same transaction, and the person's other key copies that ``new_password`` does not
    open are deleted. Raises :class:`InvalidToken` for a link that is unknown, used,
    replaced or expired; :class:`InvalidAccessCode` when keys wait for the person and
    ``keys_secret`` is missing or does not open them; ``ValidationError`` for a weak
    password. In each case nothing is saved and a live link stays usable.
    """
    record = _live_token(token)
    user = record.user
    validate_password(new_password, user)
    if keys_secret or pending_grant_exists_for(user=user):
        if not keys_secret:
            raise InvalidAccessCode(incomplete_code_message(), code="keys_secret_missing")
        try:
            pending_grant_redeem(user=user, link_secret=keys_secret, new_password=new_password)
        except PendingGrantExpired:
            raise InvalidToken(
                _("This link is not valid any more."), code="invalid_token"
            ) from None
        except InvalidLinkSecret:
            raise InvalidAccessCode(incomplete_code_message(), code="keys_secret_invalid") from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    action = (
        "account.invitation_accepted"
        if record.purpose == AccountTokenPurpose.INVITATION
        else "account.password_set_after_reset"
    )
    audit_record(
        actor=user,
        action=action,
        target_type="user",
        target_id=user.pk,
        organization=record.organization,
    )
    return user


@transaction.atomic
def account_password_change(
    *,
    user: User,
    old_password: str,
    new_password: str,
    request: HttpRequest | None = None,
) -> None:
    """The person changes their own password; their other sessions end.

    The current session survives only if the caller updates its auth hash
    (``update_session_auth_hash``); its keyring stays open (the keys did not change).
    The person's copies of their organizations' keys are re-wrapped under
    ``new_password`` in the same transaction: the old password opens nothing any more.
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password was entered incorrectly.")})
    if old_password == new_password:
        raise ValidationError(
            {"new_password1": _("Choose a password different from your current one.")}
        )
    validate_password(new_password, user)
    # Before set_password: re-wrapping checks the old password against the stored hash
    # when it opens none of the person's key copies.
    member_keys_rewrap(user=user, old_password=old_password, new_password=new_password)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user, action="account.password_changed", target_type="user", target_id=user.pk
    )


def account_login_password_verified(
    *, request: HttpRequest | None, user: User, password: str
) -> None:
    """Called when a password was verified at login or re-authentication.

    The password opens the person's copies of their organizations' keys; the session
    keeps them encrypted under a fresh key that goes only to the browser (a cookie).
    At login the second factor has NOT been checked yet: that is safe, because the
    session keyring is bound to the person and opens only for a signed-in session of
    that person (``login()`` keeps it when it rotates the session key). A
    re-authentication re-opens the keys under a new cookie key.
    """
    if request is not None:
        keyring_unlock_at_login(request=request, user=user, password=password)


@transaction.atomic
def account_access_reset(
    *,
    actor: User | None,
    user: User,
    organization: Organization | None = None,
    request: HttpRequest | None = None,
    keyring: Keyring | None = None,
) -> IssuedLink:
    """Start a person's access over: a new one-time link to choose a password.

    The old password stops working at once, every session of the person ends, their
    second factors are removed (a lost phone is the usual reason) and any lockout is
    lifted. ``organization`` is the one the admin acts for.

    Keys: every copy of the person's keys (wrapped under the old password) is deleted
    now, and the link carries the keys of ``organization`` (from ``keyring``, or the
    admin's session via ``request``; an admin without them is refused) plus those of the
    person's other organizations that the same keyring opens and the person held. Keys
    of organizations the keyring cannot open are left behind (``keys_left_behind``):
    an admin of each must reset the person's access there.
    """
    if actor is not None:
        if organization is None:
            raise PermissionDenied
        _check_admin(actor, organization)
        if not Membership.objects.filter(user=user, organization=organization).exists():
            raise PermissionDenied
        if actor.pk == user.pk:
            raise ValidationError(
                _("You cannot reset your own access. Change your password in your account instead.")
            )
    if not user.is_active:
        raise ValidationError(_("This person's account is deactivated."))
    link_keyring = _link_keyring(
        actor=actor, organization=organization, keyring=keyring, request=request
    )
    from allauth.mfa.models import Authenticator

    held = set(MemberKeyWrap.objects.filter(user=user).values_list("organization_id", flat=True))
    carried: list[Organization] = []
    if link_keyring is not None and organization is not None:
        others = (
            Organization.objects.filter(
                pk__in=held & set(link_keyring.organization_ids),
                is_active=True,
                memberships__user=user,
                memberships__is_active=True,
            )
            .exclude(pk=organization.pk)
            .distinct()
            .order_by("name")
        )
        carried = [organization, *others]
    member_of = set(
        Membership.objects.filter(
            user=user, is_active=True, organization__is_active=True
        ).values_list("organization_id", flat=True)
    )
    left_behind = len((held & member_of) - {carried_org.pk for carried_org in carried})

    now = timezone.now()
    user.set_unusable_password()
    user.sessions_revoked_at = now
    user.save(update_fields=["password", "sessions_revoked_at"])
    Authenticator.objects.filter(user=user).delete()
    _forget_lockout(user)
    issued = _issue_token(
        user=user,
        purpose=AccountTokenPurpose.ACCESS_RESET,
        organization=organization,
        actor=actor,
        valid_for=_link_lifetime(
            timedelta(hours=settings.ACCOUNT_RESET_VALID_HOURS), carries_keys=bool(carried)
        ),
    )
    # Whatever was wrapped under the old password must not stay openable by whoever
    # learns it; the link carries fresh copies.
    member_keys_discard_all(user=user, actor=actor)
    if carried and link_keyring is not None:
        try:
            keys_secret = pending_grants_create(
                keyring=link_keyring, organizations=carried, user=user, actor=actor
            )
        except NotAMember:
            raise ValidationError(
                _("This person is not a member of the organization."), code="not_a_member"
            ) from None
        issued = IssuedLink(
            user=user,
            token=issued.token,
            expires_at=issued.expires_at,
            purpose=issued.purpose,
            keys_secret=keys_secret,
            keys_organization_ids=tuple(carried_org.pk for carried_org in carried),
            keys_left_behind=left_behind,
        )
    else:
        issued = IssuedLink(
            user=user,
            token=issued.token,
            expires_at=issued.expires_at,
            purpose=issued.purpose,
            keys_left_behind=left_behind,
        )
    audit_record(
        actor=actor,
        action="account.access_reset",
        target_type="user",
        target_id=user.pk,
        organization=organization,
    )
    return issued


def _forget_lockout(user: User) -> None:
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__iexact=user.email).delete()


def account_sessions_end(*, user: User) -> None:
    """End every session of the person at its next request (any session store)."""
    user.sessions_revoked_at = timezone.now()
    user.save(update_fields=["sessions_revoked_at"])


@transaction.atomic
def account_facts_update(
    *,
    actor: User,
    organization: Organization,
    user: User,
    first_name: str,
    last_name: str,
    is_mandated_reporter: bool,
    caseworker_training_hours: Decimal,
    caseworker_supervisor: User | None,
    caseworker_has_degree_or_license: bool,
    caseworker_trafficking_months: int,
) -> None:
    """Correct a person's name and the facts the law cares about."""
    _check_admin(actor, organization)
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise PermissionDenied
    if not first_name.strip() and not last_name.strip():
        raise ValidationError({"first_name": _("Enter the person's name.")})
    if caseworker_supervisor is not None and caseworker_supervisor.pk == user.pk:
        raise ValidationError(
            {"caseworker_supervisor": _("A person cannot be their own training supervisor.")}
        )
    _validate_caseworker_facts(
        organization=organization,
        training_hours=caseworker_training_hours,
        supervisor=caseworker_supervisor,
        trafficking_months=caseworker_trafficking_months,
    )
    user.first_name = first_name.strip()[:150]
    user.last_name = last_name.strip()[:150]
    user.is_mandated_reporter = is_mandated_reporter
    user.caseworker_training_hours = caseworker_training_hours
    user.caseworker_supervisor = caseworker_supervisor
    user.caseworker_has_degree_or_license = caseworker_has_degree_or_license
    user.caseworker_trafficking_months = caseworker_trafficking_months
    user.save()
    audit_record(
        actor=actor,
        action="account.facts_updated",
        target_type="user",
        target_id=user.pk,
        organization=organization,
    )
