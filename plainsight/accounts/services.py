"""Writes about people and their access. Each change is audited in its own transaction.

Key custody hook points (docs/decisions/staff-login-and-key-custody-hooks.md).
These are the ONLY places in PlainSight that hold a person's plaintext password, and
the places where one-time links are created:

* :func:`account_login_password_verified` — a login (or a re-authentication) whose
  password was just verified, before the second factor.
* :func:`account_password_set_from_token` — an invitation is accepted or a reset link
  is used: the person chooses a password.
* :func:`account_password_change` — the person changes their own password.
* :func:`account_invite` and :func:`account_access_reset` — an admin creates a
  one-time link (the moment to escrow organization keys for the new password).

Each takes an optional ``request`` that this module does not use: it is there so the
key-custody code can reach the acting person's session without changing callers.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
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
from plainsight.accounts.models import AccountToken, AccountTokenPurpose, User
from plainsight.accounts.selectors import account_token_for, token_digest
from plainsight.audit.services import audit_record
from plainsight.partners.models import Membership, Organization, Role

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits: guessing is hopeless, so a fast digest is enough
MAX_EMAIL_LENGTH = 150  # the email doubles as the (unique) username


class InvalidToken(ValidationError):
    """The one-time link is unknown, used, replaced, expired or for a deactivated person."""


@dataclass(frozen=True)
class IssuedLink:
    """A one-time link just created: the token exists only here and in the link."""

    user: User
    token: str
    expires_at: datetime
    purpose: str


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
) -> IssuedLink:
    """Create a person with ``roles`` in ``organization`` and a one-time invitation link.

    The person has no usable password until they open the link and choose one; then
    they must enrol a second factor before anything else. Nothing is saved if any
    check fails. KEY CUSTODY: escrow the organization's keys for the link here.
    """
    _check_admin(actor, organization)
    if not organization.is_active:
        raise ValidationError(_("This organization is deactivated."))
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
        valid_for=timedelta(days=settings.ACCOUNT_INVITATION_VALID_DAYS),
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


@transaction.atomic
def account_password_set_from_token(
    *, token: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """Accept an invitation or use a reset link: the person chooses their password.

    The link works once. Raises :class:`InvalidToken` for a link that is unknown,
    used, replaced or expired, and ``ValidationError`` for a weak password (the link
    stays usable then). KEY CUSTODY: unwrap the escrowed keys with the token and wrap
    them under ``new_password`` here.
    """
    record = _live_token(token)
    user = record.user
    validate_password(new_password, user)
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
    (``update_session_auth_hash``). KEY CUSTODY: re-wrap the person's copies of
    their organizations' keys from ``old_password`` to ``new_password`` here, so
    the old password stops opening anything.
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password was entered incorrectly.")})
    if old_password == new_password:
        raise ValidationError(
            {"new_password1": _("Choose a password different from your current one.")}
        )
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(
        actor=user, action="account.password_changed", target_type="user", target_id=user.pk
    )


def account_login_password_verified(
    *, request: HttpRequest | None, user: User, password: str
) -> None:
    """Called when a password was verified at login or re-authentication.

    The second factor has NOT been checked yet at login: anything derived from the
    password must stay pending until ``user_logged_in`` fires (see
    ``plainsight.accounts.signals``). KEY CUSTODY: unwrap the person's copies of
    their organizations' keys here. Nothing else happens here today, by design.
    """
    return None


@transaction.atomic
def account_access_reset(
    *,
    actor: User | None,
    user: User,
    organization: Organization | None = None,
    request: HttpRequest | None = None,
) -> IssuedLink:
    """Start a person's access over: a new one-time link to choose a password.

    The old password stops working at once, every session of the person ends, their
    second factors are removed (a lost phone is the usual reason) and any lockout is
    lifted. ``organization`` is the one the admin acts for. KEY CUSTODY: escrow the
    organization's keys for the new link here (the admin's session holds them).
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
    from allauth.mfa.models import Authenticator

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
        valid_for=timedelta(hours=settings.ACCOUNT_RESET_VALID_HOURS),
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
