"""Platform admins resolve system alerts (shown on the staff home by the banner tag)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from plainsight.accounts.access import Scope, staff_view
from plainsight.partners.models import Role
from plainsight.scheduler.models import SystemAlert
from plainsight.scheduler.services import system_alert_resolve


@staff_view(roles={Role.PLATFORM_ADMIN}, scope=Scope.PLATFORM, methods=("POST",))
def system_alert_resolve_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(SystemAlert, pk=alert_id)
    system_alert_resolve(alert=alert, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The alert is marked as resolved."))
    return redirect("staff:home")
