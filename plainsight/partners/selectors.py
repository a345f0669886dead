"""Reads about organizations and their people. Access is decided here.

An organization, person or list another organization's admin asks for is simply not
found (404): the same rule for lists, detail pages and any later API.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from plainsight.accounts.access import ADMIN_ROLES, active_memberships, is_platform_admin
from plainsight.accounts.models import AccountToken, User
from plainsight.partners.models import Membership, Organization, Role


def organizations_administered_by(*, user: User | Any) -> QuerySet[Organization]:
    """Organizations whose people the person manages (all of them for platform admins)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    if is_platform_admin(user):
        return Organization.objects.all()
    ids = active_memberships(user).filter(role=Role.ORG_ADMIN).values("organization_id")
    return Organization.objects.filter(pk__in=ids, is_active=True)


def organization_for_admin(*, user: User | Any, organization_id: Any) -> Organization:
    """One organization the person administers, or 404."""
    try:
        return organizations_administered_by(user=user).get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404 from error


def organizations_for_platform(*, user: User | Any) -> QuerySet[Organization]:
    """Every organization, for platform admins; nothing for anyone else."""
    if not is_platform_admin(user):
        return Organization.objects.none()
    return Organization.objects.all()


def organization_for_platform(*, user: User | Any, organization_id: Any) -> Organization:
    try:
        return organizations_for_platform(user=user).get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404 from error


def people_for(*, user: User | Any, organization: Organization) -> QuerySet[User]:
    """People who hold or held a role in ``organization``, with their roles there.

    Each person carries ``org_memberships`` (their memberships in this organization)
    and ``pending_links`` (unused one-time links), prefetched: the list costs a fixed
    number of queries however many people it shows.
    """
    if not organizations_administered_by(user=user).filter(pk=organization.pk).exists():
        return User.objects.none()
    return (
        User.objects.filter(memberships__organization=organization)
        .distinct()
        .order_by("last_name", "first_name", "email")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organization=organization).order_by("role"),
                to_attr="org_memberships",
            ),
            Prefetch(
                "account_tokens",
                queryset=AccountToken.objects.filter(
                    used_at__isnull=True, revoked_at__isnull=True
                ).order_by("-created_at"),
                to_attr="pending_links",
            ),
        )
    )


def person_for(*, user: User | Any, organization: Organization, person_id: Any) -> User:
    """One person of ``organization`` that ``user`` may manage, or 404."""
    try:
        return people_for(user=user, organization=organization).get(pk=person_id)
    except (User.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404 from error


def roles_in(person: User, organization: Organization) -> set[str]:
    """Active roles of a person (from ``people_for``'s prefetch when present)."""
    memberships = getattr(person, "org_memberships", None)
    if memberships is None:
        memberships = list(Membership.objects.filter(user=person, organization=organization))
    return {m.role for m in memberships if m.is_active}


def supervisors_for(*, organization: Organization) -> QuerySet[User]:
    """People who can be named as training supervisor: active members of the organization."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


__all__ = [
    "ADMIN_ROLES",
    "organization_for_admin",
    "organization_for_platform",
    "organizations_administered_by",
    "organizations_for_platform",
    "people_for",
    "person_for",
    "roles_in",
    "supervisors_for",
]
