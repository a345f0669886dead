"""Who may change which directory records (until the central access module lands).

- A coordinator (an active ``coordinator`` membership in an active partner) may edit
  every record and review every report.
- An organization admin may edit the records whose ``Organization.partner`` is their
  own partner organization, and review reports about them.
- Any active member of that partner may update its beds available (capacity), so a
  shelter's night staff can do it quickly.
- Only coordinators may import or export the whole directory (an import may change any
  record; organization admins keep their own records one by one).

Everything else is refused. These functions are the only place the rule is written;
views and services ask them, and the lists (``*_for``) apply the same rule as the
single-record checks.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from plainsight.directory import models as directory
from plainsight.partners.models import Membership, Role


def _memberships(user: Any) -> QuerySet[Membership]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def is_coordinator(user: Any) -> bool:
    return _memberships(user).filter(role=Role.COORDINATOR).exists()


def admin_partner_ids(user: Any) -> set[uuid.UUID]:
    return set(
        _memberships(user).filter(role=Role.ORG_ADMIN).values_list("organization_id", flat=True)
    )


def member_partner_ids(user: Any) -> set[uuid.UUID]:
    return set(_memberships(user).values_list("organization_id", flat=True))


def can_use_directory_upkeep(user: Any) -> bool:
    """Coordinators, and members of a partner that maintains at least one record."""
    if is_coordinator(user):
        return True
    ids = member_partner_ids(user)
    return bool(ids) and directory.Organization.objects.filter(partner_id__in=ids).exists()


def editable_services_for(user: Any) -> QuerySet[directory.Service]:
    services = directory.Service.objects.select_related("organization")
    if is_coordinator(user):
        return services.all()
    return services.filter(organization__partner_id__in=admin_partner_ids(user))


def capacity_services_for(user: Any) -> QuerySet[directory.Service]:
    services = directory.Service.objects.select_related("organization")
    if is_coordinator(user):
        return services.all()
    return services.filter(organization__partner_id__in=member_partner_ids(user))


def editable_organizations_for(user: Any) -> QuerySet[directory.Organization]:
    if is_coordinator(user):
        return directory.Organization.objects.all()
    return directory.Organization.objects.filter(partner_id__in=admin_partner_ids(user))


def editable_locations_for(user: Any) -> QuerySet[directory.Location]:
    if is_coordinator(user):
        return directory.Location.objects.all()
    # A location without an organization may be shared by several: coordinators only.
    return directory.Location.objects.filter(organization__partner_id__in=admin_partner_ids(user))


def can_edit_service(user: Any, service: directory.Service) -> bool:
    return editable_services_for(user).filter(pk=service.pk).exists()


def can_update_capacity(user: Any, service: directory.Service) -> bool:
    return capacity_services_for(user).filter(pk=service.pk).exists()


def can_import_export(user: Any) -> bool:
    """Import and export the whole directory: whoever may edit every record."""
    return is_coordinator(user)


def can_assign_partner(user: Any) -> bool:
    """Only coordinators decide which partner maintains a record."""
    return is_coordinator(user)
