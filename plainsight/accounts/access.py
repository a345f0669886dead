"""Central access control for staff views.

Every view of the staff app (everything under ``/staff/``) declares who may use it
with exactly one of these decorators:

``staff_view(roles=..., scope=...)``
    A signed-in person holding one of ``roles`` in an active organization. Anyone
    else signed in gets 403; anonymous visitors are sent to the login page.
    ``scope=Scope.ORGANIZATION`` says the view shows objects that belong to one
    organization; the view must then fetch them with a selector
    (``..._for(user=...)``) that answers 404 for another organization's objects.
``account_view()``
    Any signed-in person, for pages about their own account (password change).
``public_view(reason=...)``
    No login at all (the login page, one-time links). Say why.

The decorator records its :class:`AccessPolicy` on the view function
(``view.access_policy``), so ``tests/test_authorization_matrix.py`` can find every
view nobody classified and check each one for anonymous, wrong-role,
wrong-organization and right-role access. Views of third-party apps (allauth) are
classified by URL name in :data:`EXTERNAL_VIEW_POLICIES`.

The second factor is enforced before any of this by
``plainsight.accounts.middleware.RequireSecondFactorMiddleware``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_http_methods

from plainsight.partners.models import Membership, Role

if TYPE_CHECKING:
    from plainsight.accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])

ALL_ROLES: frozenset[str] = frozenset(Role.values)
# Roles whose holders act across organizations by definition (they manage the
# organizations themselves). Selectors and the authorization matrix both use this.
CROSS_ORGANIZATION_ROLES: frozenset[str] = frozenset({Role.PLATFORM_ADMIN})
# "Any staff member": any role at all, in an active organization.
ANY_STAFF: frozenset[str] = ALL_ROLES
ADMIN_ROLES: frozenset[str] = frozenset({Role.ORG_ADMIN, Role.PLATFORM_ADMIN})


class Kind(enum.StrEnum):
    PUBLIC = "public"  # no login
    LOGIN_STAGE = "login_stage"  # only reachable in the middle of a login
    AUTHENTICATED = "authenticated"  # any signed-in person (their own account)
    STAFF = "staff"  # signed in and holding one of the roles


class Scope(enum.StrEnum):
    NONE = "none"  # nothing organization-specific is shown
    OWN = "own"  # the person's own objects only (404 for someone else's)
    ORGANIZATION = "organization"  # one organization's objects (404 for another's)
    PLATFORM = "platform"  # the whole platform (platform admins)


@dataclass(frozen=True)
class AccessPolicy:
    kind: Kind
    roles: frozenset[str] = frozenset()
    scope: Scope = Scope.NONE
    reauthenticate: bool = False
    reason: str = ""
    # Roles that legitimately reach every organization's objects in this view (for
    # example coordinators keeping the shared directory up to date).
    cross_organization_roles: frozenset[str] = frozenset()


def active_memberships(user: User | Any) -> Any:
    """The person's memberships that grant anything: active, in an active organization."""
    return Membership.objects.filter(user_id=user.pk, is_active=True, organization__is_active=True)


def user_roles(user: User | Any, organization: Any = None) -> set[str]:
    """Roles the person holds now, in one organization or in any."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    memberships = active_memberships(user)
    if organization is not None:
        memberships = memberships.filter(organization_id=getattr(organization, "pk", organization))
    return set(memberships.values_list("role", flat=True))


def has_role(user: User | Any, roles: Iterable[str], organization: Any = None) -> bool:
    return bool(user_roles(user, organization) & set(roles))


def is_platform_admin(user: User | Any) -> bool:
    return has_role(user, CROSS_ORGANIZATION_ROLES)


def _decorate[ViewFunc: Callable[..., HttpResponseBase]](
    view: ViewFunc,
    policy: AccessPolicy,
    check: Callable[[HttpRequest], HttpResponseBase | None],
    methods: Iterable[str] | None,
) -> ViewFunc:
    inner = require_http_methods(list(methods))(view) if methods else view

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = check(request)
        if refused is not None:
            return refused
        return inner(request, *args, **kwargs)

    wrapper.access_policy = policy  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _login_redirect(request: HttpRequest) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def staff_view(
    *,
    roles: Iterable[str],
    scope: Scope = Scope.NONE,
    reauthenticate: bool = False,
    methods: Iterable[str] | None = ("GET", "HEAD"),
    cross_organization_roles: Iterable[str] = (),
) -> Callable[[ViewFunc], ViewFunc]:
    """Only people holding one of ``roles`` (in an active organization).

    ``reauthenticate=True`` asks for the password (or a second-factor code) again
    when the last confirmation is older than ``ACCOUNT_REAUTHENTICATION_TIMEOUT``:
    use it for exports, key changes, law-enforcement hand-offs and access resets.
    """
    wanted = frozenset(roles)
    unknown = wanted - ALL_ROLES
    if not wanted or unknown:
        raise ValueError(f"staff_view needs known roles, got {sorted(unknown) or 'none'}")
    policy = AccessPolicy(
        Kind.STAFF,
        wanted,
        scope,
        reauthenticate,
        cross_organization_roles=frozenset(cross_organization_roles),
    )

    def check(request: HttpRequest) -> HttpResponseBase | None:
        refused = _login_redirect(request)
        if refused is not None:
            return refused
        if not has_role(request.user, wanted):
            raise PermissionDenied
        return None

    def decorator(view: ViewFunc) -> ViewFunc:
        target = view
        if reauthenticate:
            from allauth.account.decorators import reauthentication_required

            target = reauthentication_required(view)
        decorated = _decorate(target, policy, check, methods)
        return decorated

    return decorator


def account_view(
    *, scope: Scope = Scope.OWN, methods: Iterable[str] | None = ("GET", "HEAD")
) -> Callable[[ViewFunc], ViewFunc]:
    """Any signed-in person, for pages about their own account."""
    policy = AccessPolicy(Kind.AUTHENTICATED, scope=scope)

    def decorator(view: ViewFunc) -> ViewFunc:
        return _decorate(view, policy, _login_redirect, methods)

    return decorator


def public_view(
    *, reason: str, methods: Iterable[str] | None = ("GET", "HEAD")
) -> Callable[[ViewFunc], ViewFunc]:
    """No login. ``reason`` says what protects the view instead (for reviewers)."""
    if not reason:
        raise ValueError("public_view needs a reason")
    policy = AccessPolicy(Kind.PUBLIC, reason=reason)

    def decorator(view: ViewFunc) -> ViewFunc:
        return _decorate(view, policy, lambda request: None, methods)

    return decorator


# Third-party views mounted under /staff/ (allauth's login and second-factor pages),
# classified by URL name. Their own code enforces these; the matrix checks it.
_AUTHENTICATED = AccessPolicy(Kind.AUTHENTICATED, scope=Scope.OWN)
EXTERNAL_VIEW_POLICIES: dict[str, AccessPolicy] = {
    "account_login": AccessPolicy(Kind.PUBLIC, reason="the login form"),
    "account_logout": AccessPolicy(Kind.PUBLIC, reason="logging out needs no access"),
    "account_inactive": AccessPolicy(Kind.PUBLIC, reason="says the account is inactive"),
    "mfa_authenticate": AccessPolicy(Kind.LOGIN_STAGE, reason="second step of a login"),
    "account_reauthenticate": _AUTHENTICATED,
    "mfa_index": _AUTHENTICATED,
    "mfa_reauthenticate": _AUTHENTICATED,
    "mfa_activate_totp": _AUTHENTICATED,
    "mfa_deactivate_totp": _AUTHENTICATED,
    "mfa_view_recovery_codes": _AUTHENTICATED,
    "mfa_generate_recovery_codes": _AUTHENTICATED,
    "mfa_download_recovery_codes": _AUTHENTICATED,
    "mfa_list_webauthn": _AUTHENTICATED,
    "mfa_add_webauthn": _AUTHENTICATED,
    "mfa_reauthenticate_webauthn": _AUTHENTICATED,
    "mfa_remove_webauthn": _AUTHENTICATED,
    "mfa_edit_webauthn": _AUTHENTICATED,
}


# Whole URL namespaces classified at once: for django-ninja APIs, whose URL patterns
# carry no per-view attribute. Add e.g. "hsds": AccessPolicy(Kind.PUBLIC, reason=...)
# for a public read-only API; a staff API needs per-operation role checks instead.
NAMESPACE_POLICIES: dict[str, AccessPolicy] = {
    "hsds": AccessPolicy(Kind.PUBLIC, reason="the public, read-only HSDS 3.1 directory API"),
}


def policy_of(view: object, url_name: str | None) -> AccessPolicy | None:
    """The access policy of a URL's view, or None if nobody classified it."""
    policy = getattr(view, "access_policy", None)
    if isinstance(policy, AccessPolicy):
        return policy
    # Class-based views: as_view() keeps the class on the function.
    view_class = getattr(view, "view_class", None)
    policy = getattr(view_class, "access_policy", None)
    if isinstance(policy, AccessPolicy):
        return policy
    if url_name is None:
        return None
    if url_name in EXTERNAL_VIEW_POLICIES:
        return EXTERNAL_VIEW_POLICIES[url_name]
    namespace = url_name.rpartition(":")[0]
    while namespace:
        if namespace in NAMESPACE_POLICIES:
            return NAMESPACE_POLICIES[namespace]
        namespace = namespace.rpartition(":")[0]
    return None


def can_administer(user: User | Any, organization: Any) -> bool:
    """Whether the person may manage the people of ``organization`` and see its audit log.

    Organization admins of that organization may; platform admins may for every
    organization (they must be able to invite an organization's first admin).
    """
    if organization is None or not getattr(organization, "is_active", True):
        return is_platform_admin(user)
    return has_role(user, {Role.ORG_ADMIN}, organization) or is_platform_admin(user)
