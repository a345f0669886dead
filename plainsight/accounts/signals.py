"""Reactions to login events: session clock, lockout counting, audit.

Connected in ``AccountsConfig.ready``.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from plainsight.accounts.adapters import SECOND_FACTOR_TYPES
from plainsight.accounts.middleware import LOGIN_AT_SESSION_KEY
from plainsight.accounts.models import User
from plainsight.audit.services import audit_record
from plainsight.partners.models import Organization


def _organizations_of(user: Any) -> list[Organization | None]:
    organizations: list[Organization | None] = list(
        Organization.objects.filter(memberships__user_id=user.pk, memberships__is_active=True)
        .distinct()
        .order_by("name")
    )
    return organizations or [None]


def _audit_for_each_organization(*, user: Any, actor: Any, action: str) -> None:
    """Record the event once per organization of the person, so each admin sees it."""
    with transaction.atomic():
        for organization in _organizations_of(user):
            audit_record(
                actor=actor,
                action=action,
                target_type="user",
                target_id=user.pk,
                organization=organization,
            )


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Django has just rotated the session key; start the absolute-lifetime clock.
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
    _audit_for_each_organization(user=user, actor=user, action="account.logged_in")


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None) is not None:
        _audit_for_each_organization(user=user, actor=user, action="account.logged_out")


def on_second_factor_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A wrong code counts towards the same lockout as a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"email": user.email}, request=request)


def on_locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    """Audit the moment an account is locked (not every refused attempt after it)."""
    from axes.helpers import get_failure_limit

    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or failures != get_failure_limit(request, None):
        return
    user = User.objects.filter(email__iexact=username or "").first()
    if user is not None:
        _audit_for_each_organization(user=user, actor=None, action="account.locked_out")


def on_authenticator_changed(action: str) -> Any:
    def receiver(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            for organization in _organizations_of(user):
                audit_record(
                    actor=user,
                    action=f"{action}.{authenticator.type}",
                    target_type="authenticator",
                    target_id=authenticator.pk or "",
                    organization=organization,
                )

    return receiver


_audit_added = on_authenticator_changed("mfa.added")


def _added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _audit_added(sender, request=request, user=user, authenticator=authenticator, **kwargs)
    if request is not None and authenticator.type in SECOND_FACTOR_TYPES:
        # Entering a valid code from the new app (or touching the new key) just proved
        # the person holds it: count it as a fresh confirmation, so the recovery codes
        # shown next do not ask for the password again.
        from allauth.account.internal.flows.login import record_authentication

        record_authentication(
            request,
            user,
            "mfa",
            id=authenticator.pk,
            type=authenticator.type,
            reauthenticated=True,
        )


_removed = on_authenticator_changed("mfa.removed")
_reset = on_authenticator_changed("mfa.reset")


def connect() -> None:
    from allauth.mfa import signals as mfa_signals
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="plainsight.accounts.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="plainsight.accounts.logged_out")
    mfa_signals.authentication_failed.connect(
        on_second_factor_failed, dispatch_uid="plainsight.accounts.mfa_failed"
    )
    mfa_signals.authenticator_added.connect(_added, dispatch_uid="plainsight.accounts.mfa_added")
    mfa_signals.authenticator_removed.connect(
        _removed, dispatch_uid="plainsight.accounts.mfa_removed"
    )
    mfa_signals.authenticator_reset.connect(_reset, dispatch_uid="plainsight.accounts.mfa_reset")
    user_locked_out.connect(on_locked_out, dispatch_uid="plainsight.accounts.locked_out")
