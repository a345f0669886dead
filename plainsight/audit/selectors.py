"""Reads of the audit log. Access is decided here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from plainsight.accounts.access import can_administer
from plainsight.audit.models import AuditEvent


def audit_events_for(*, user: Any, organization: Any) -> QuerySet[AuditEvent]:
    """The audit events of one organization, newest first, for whoever may see them.

    Organization admins see their organization's events; platform admins see any
    organization's. Everyone else gets an empty list.
    """
    if organization is None or not can_administer(user, organization):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(organization_id=organization.pk)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def audit_actions_for(*, user: Any, organization: Any) -> list[str]:
    """The distinct actions present in the organization's log (for the filter)."""
    return list(
        audit_events_for(user=user, organization=organization)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
        .order_by("action")
    )
