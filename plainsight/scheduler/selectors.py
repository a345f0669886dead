"""What platform admins must see: open alerts and periodic jobs that stopped succeeding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise

from plainsight.accounts.access import is_platform_admin
from plainsight.scheduler.jobs import registered_jobs
from plainsight.scheduler.models import PeriodicRun, RunStatus, SystemAlert


@dataclass(frozen=True)
class LateJob:
    name: str
    label: Promise
    last_success: datetime | None


def can_see_system_alerts(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Platform admins (an active platform-admin membership) see and resolve alerts."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_platform_admin(user)


def system_alerts_open_for(*, user: AbstractBaseUser | AnonymousUser) -> list[SystemAlert]:
    if not can_see_system_alerts(user=user):
        return []
    return list(SystemAlert.objects.filter(resolved_at__isnull=True).order_by("-raised_at"))


def late_jobs_for(
    *, user: AbstractBaseUser | AnonymousUser, now: datetime | None = None
) -> list[LateJob]:
    """Jobs with no successful run within their ``late_after`` (scheduler or worker down?)."""
    if not can_see_system_alerts(user=user):
        return []
    now = now or timezone.now()
    last_success = dict(
        PeriodicRun.objects.filter(status=RunStatus.SUCCEEDED)
        .values("job")
        .annotate(last=Max("finished_at"))
        .values_list("job", "last")
    )
    late = []
    for job in registered_jobs():
        finished = last_success.get(job.name)
        if finished is None or finished < now - job.late_after:
            late.append(LateJob(name=job.name, label=job.label, last_success=finished))
    return late
