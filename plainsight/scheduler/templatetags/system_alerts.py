"""``{% system_alert_banner %}``: open alerts and late jobs, shown to platform admins only."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from plainsight.scheduler.selectors import late_jobs_for, system_alerts_open_for

register = template.Library()


@register.inclusion_tag("scheduler/system_alert_banner.html", takes_context=True)
def system_alert_banner(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"alerts": [], "late_jobs": []}
    try:
        can_resolve = bool(reverse("system_alerts:resolve", args=[0]))
    except NoReverseMatch:
        can_resolve = False
    return {
        "alerts": system_alerts_open_for(user=user),
        "late_jobs": late_jobs_for(user=user),
        "can_resolve": can_resolve,
        "csrf_token": context.get("csrf_token"),
    }
