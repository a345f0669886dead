"""Reads for the upkeep screens; access is decided by ``permissions``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from plainsight.directory import models as directory
from plainsight.directory.upkeep import permissions
from plainsight.directory.upkeep.models import ProblemReport, ReportStatus


def stale_after_days() -> int:
    return int(getattr(settings, "DIRECTORY_STALE_AFTER_DAYS", 180))


def stale_services_for(
    user: Any, *, days: int | None = None, today: dt.date | None = None
) -> QuerySet[directory.Service]:
    """Active listings not verified for ``days`` days or more (never verified first).

    A listing verified on 1 March is due again on 31 March with ``days=30``.
    """
    days = stale_after_days() if days is None else days
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=days)
    return (
        permissions.editable_services_for(user)
        .exclude(status__in=[directory.ServiceStatus.DEFUNCT, directory.ServiceStatus.INACTIVE])
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lte=cutoff))
        # Explicitly: PostgreSQL would put the never verified last, SQLite first.
        .order_by(F("assured_date").asc(nulls_first=True), "name", "pk")
    )


def pending_reports_for(user: Any) -> QuerySet[ProblemReport]:
    return (
        ProblemReport.objects.filter(
            status=ReportStatus.PENDING,
            service__in=permissions.editable_services_for(user).values("pk"),
        )
        .select_related("service__organization")
        .order_by("created_at", "pk")
    )


def services_list_for(user: Any, *, name: str = "") -> QuerySet[directory.Service]:
    services = permissions.editable_services_for(user)
    if name:
        services = services.filter(name__icontains=name)
    return services.annotate(
        pending_reports=Count(
            "problem_reports", filter=Q(problem_reports__status=ReportStatus.PENDING)
        )
    ).order_by("name", "pk")


def editable_service_locations_for(
    user: Any, *, service: directory.Service
) -> QuerySet[directory.Location]:
    """The places of ``service`` that ``user`` may edit, by name: the rule of the place
    edit page, so a listing never links to a place edit that answers 404."""
    return (
        permissions.editable_locations_for(user)
        .filter(service_at_locations__service=service)
        .distinct()
        .order_by("name", "pk")
    )
