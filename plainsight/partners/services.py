"""Writes about organizations and memberships. Each change is audited in its transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plainsight.accounts.access import can_administer, is_platform_admin
from plainsight.accounts.models import AccountToken, User
from plainsight.accounts.services import IssuedLink, account_invite
from plainsight.audit.services import audit_record
from plainsight.keys.keyring import RecoveryKey
from plainsight.keys.services import member_keys_revoke, organization_keys_provision
from plainsight.partners.models import Membership, Organization, OrganizationKind, Role

COUNTY_PATTERN = re.compile(r"^[^\W\d_][\w .'\-]{0,59}$")


def _known_roles(roles: Iterable[str]) -> list[str]:
    wanted = sorted(set(roles))
    if not wanted:
        raise ValidationError(
            {"roles": _("Choose at least one role. To remove the person, deactivate them.")}
        )
    if any(role not in Role.values for role in wanted):
        raise ValidationError({"roles": _("Choose roles from the list.")})
    return wanted


def _check_platform_admin(actor: User | None) -> None:
    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied


def clean_counties(counties: Iterable[str]) -> list[str]:
    """County names, trimmed and without repeats, in the order given."""
    cleaned: list[str] = []
    for county in counties:
        name = " ".join(county.split())
        if not name:
            continue
        if not COUNTY_PATTERN.match(name):
            raise ValidationError(
                {
                    "service_counties": _(
                        "Write county names with letters only, separated by commas."
                    )
                }
            )
        if name.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(name)
    if len(cleaned) > 100:
        raise ValidationError({"service_counties": _("List at most 100 counties.")})
    return cleaned


def _clean_organization_fields(
    *, name: str, kind: str, organization: Organization | None = None
) -> str:
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter the organization's name.")
    elif len(name) > 200:
        errors["name"] = _("Use at most 200 characters for the name.")
    else:
        others = Organization.objects.filter(name__iexact=name)
        if organization is not None:
            others = others.exclude(pk=organization.pk)
        if others.exists():
            errors["name"] = _("Another organization already has this name.")
    if kind not in OrganizationKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    if errors:
        raise ValidationError(errors)
    return name


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    service_counties: Iterable[str] = (),
    is_demo: bool = False,
) -> Organization:
    """A new partner organization row (platform admins only; ``actor=None`` is the system).

    Without keys: real organizations are created by :func:`organization_set_up`; demo
    organizations get theirs from the demo loader (``demo_keys_ensure``).
    """
    _check_platform_admin(actor)
    name = _clean_organization_fields(name=name, kind=kind)
    organization = Organization.objects.create(
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        service_counties=clean_counties(service_counties),
        is_demo=is_demo,
    )
    audit_record(
        actor=actor,
        action="organization.created",
        target_type="organization",
        target_id=organization.pk,
        organization=organization,
    )
    return organization


@dataclass(frozen=True, repr=False)
class OrganizationSetUp:
    """A new organization with its keys and its first admin's one-time link.

    ``recovery_key`` is shown once and stored nowhere; the link's secrets exist only
    in ``first_admin`` and the link itself.
    """

    organization: Organization
    recovery_key: RecoveryKey
    first_admin: IssuedLink

    def __repr__(self) -> str:
        return f"OrganizationSetUp(organization={self.organization.pk!r})"


# Service parameters of the first admin, as ``account_invite`` names them in its errors.
_ADMIN_FIELDS = {"email": "admin_email", "first_name": "admin_first_name"}


@transaction.atomic
def organization_set_up(
    *,
    actor: User | None,
    name: str,
    kind: str,
    service_counties: Iterable[str] = (),
    admin_email: str,
    admin_first_name: str,
    admin_last_name: str,
    admin_roles: Iterable[str] = (Role.ORG_ADMIN,),
) -> OrganizationSetUp:
    """Create an organization, its keys (key pair, data key, recovery key) and an
    invitation for its first admin that carries the keys — all or nothing.

    This is how organizations come to exist (the platform admin screen and
    ``manage.py staff_invite``): an organization never exists without keys, and its
    first admin receives them through their one-time link. Show ``recovery_key`` once,
    in the response, and let it go. Errors about the first admin are reported under
    ``admin_email`` / ``admin_first_name``.
    """
    organization = organization_create(
        actor=actor, name=name, kind=kind, service_counties=service_counties
    )
    provisioned = organization_keys_provision(organization=organization, actor=actor)
    try:
        issued = account_invite(
            actor=actor,
            organization=organization,
            email=admin_email,
            first_name=admin_first_name,
            last_name=admin_last_name,
            roles=admin_roles,
            keyring=provisioned.keyring,
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                _ADMIN_FIELDS.get(field, field): messages
                for field, messages in error.error_dict.items()
            }
        ) from None
    return OrganizationSetUp(
        organization=organization, recovery_key=provisioned.recovery_key, first_admin=issued
    )


@transaction.atomic
def organization_update(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    kind: str,
    service_counties: Iterable[str],
) -> Organization:
    _check_platform_admin(actor)
    organization.name = _clean_organization_fields(name=name, kind=kind, organization=organization)
    organization.kind = kind
    organization.service_counties = clean_counties(service_counties)
    organization.save(update_fields=["name", "kind", "service_counties"])
    audit_record(
        actor=actor,
        action="organization.updated",
        target_type="organization",
        target_id=organization.pk,
        organization=organization,
    )
    return organization


@transaction.atomic
def organization_deactivate(*, actor: User | None, organization: Organization) -> None:
    """Switch an organization off: its memberships grant nothing, its people's sessions end.

    A platform admin cannot switch off an organization they belong to (they would
    lock themselves, and maybe everyone, out).
    """
    _check_platform_admin(actor)
    if (
        actor is not None
        and Membership.objects.filter(
            user=actor, organization=organization, is_active=True
        ).exists()
    ):
        raise ValidationError(_("You cannot deactivate an organization you belong to."))
    if not organization.is_active:
        return
    organization.is_active = False
    organization.save(update_fields=["is_active"])
    now = timezone.now()
    User.objects.filter(memberships__organization=organization).update(sessions_revoked_at=now)
    audit_record(
        actor=actor,
        action="organization.deactivated",
        target_type="organization",
        target_id=organization.pk,
        organization=organization,
    )


def _active_admin_count(organization: Organization, *, excluding: User | None = None) -> int:
    admins = Membership.objects.filter(
        organization=organization, role=Role.ORG_ADMIN, is_active=True, user__is_active=True
    )
    if excluding is not None:
        admins = admins.exclude(user=excluding)
    return admins.count()


@transaction.atomic
def membership_roles_set(
    *,
    actor: User | None,
    organization: Organization,
    user: User,
    roles: Iterable[str],
) -> tuple[list[str], list[str]]:
    """Give ``user`` exactly ``roles`` in ``organization``; returns (added, removed).

    Every added and removed role is audited. An organization keeps at least one
    organization admin; only platform admins grant or remove the platform admin role.
    """
    if actor is not None and not can_administer(actor, organization):
        raise PermissionDenied
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("This person's account is deactivated."))
    wanted = set(_known_roles(roles))
    current = {
        m.role: m
        for m in Membership.objects.select_for_update().filter(user=user, organization=organization)
    }
    active = {role for role, m in current.items() if m.is_active}
    added = sorted(wanted - active)
    removed = sorted(active - wanted)
    touches_platform = Role.PLATFORM_ADMIN in added or Role.PLATFORM_ADMIN in removed
    if touches_platform and actor is not None and not is_platform_admin(actor):
        raise ValidationError(
            {"roles": _("Only a platform admin can give or take the platform admin role.")}
        )
    if Role.ORG_ADMIN in removed and _active_admin_count(organization, excluding=user) == 0:
        raise ValidationError(
            {"roles": _("The organization needs at least one organization admin.")}
        )
    changes: list[tuple[str, Membership]] = []
    for role in added:
        membership = current.get(role)
        if membership is None:
            membership = Membership.objects.create(user=user, organization=organization, role=role)
        else:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        changes.append(("membership.role_added", membership))
    for role in removed:
        membership = current[role]
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        changes.append(("membership.role_removed", membership))
    # Audit last: the chain head stays locked until the transaction commits.
    for action, membership in changes:
        audit_record(
            actor=actor,
            action=action,
            target_type="membership",
            target_id=membership.pk,
            organization=organization,
        )
    return added, removed


@transaction.atomic
def staff_deactivate(*, actor: User | None, organization: Organization, user: User) -> None:
    """Remove a person from an organization: no role there, every session ended, and
    their copy of the organization's keys deleted.

    If they belong to no other organization, their account is switched off too (and
    unused one-time links die). An organization keeps at least one admin, and admins
    cannot remove themselves.
    """
    if actor is not None and not can_administer(actor, organization):
        raise PermissionDenied
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise PermissionDenied
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    memberships = Membership.objects.select_for_update().filter(
        user=user, organization=organization, is_active=True
    )
    if (
        memberships.filter(role=Role.ORG_ADMIN).exists()
        and _active_admin_count(organization, excluding=user) == 0
    ):
        raise ValidationError(_("The organization needs at least one organization admin."))
    memberships.update(is_active=False)
    # No active role left here: the person's copy of the organization's keys, and any
    # link still waiting to give it, go too.
    member_keys_revoke(organization=organization, user=user, actor=actor)
    now = timezone.now()
    user.sessions_revoked_at = now
    fields = ["sessions_revoked_at"]
    still_member = Membership.objects.filter(
        user=user, is_active=True, organization__is_active=True
    ).exists()
    if not still_member and user.is_active:
        user.is_active = False
        fields.append("is_active")
        AccountToken.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    user.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="staff.deactivated",
        target_type="user",
        target_id=user.pk,
        organization=organization,
    )
