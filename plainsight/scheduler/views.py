"""Platform admins resolve system alerts (shown on the staff home by the banner tag)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plainsight.scheduler.models import SystemAlert
from plainsight.scheduler.selectors import can_see_system_alerts
from plainsight.scheduler.services import system_alert_resolve


@require_POST
@login_required
def system_alert_resolve_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    if not can_see_system_alerts(user=request.user):
        raise PermissionDenied
    alert = get_object_or_404(SystemAlert, pk=alert_id)
    system_alert_resolve(alert=alert, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The alert is marked as resolved."))
    return redirect("staff:home")
