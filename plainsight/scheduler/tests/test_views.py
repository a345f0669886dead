"""The alert banner and the resolve action, as platform admins and others see them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from plainsight.accounts.tests.factories import enrol_totp
from plainsight.audit.models import AuditEvent
from plainsight.scheduler.tests.factories import SystemAlertFactory

pytestmark = pytest.mark.django_db

BANNER = Template("{% load system_alerts %}{% system_alert_banner %}")


def _render(user) -> str:
    request = RequestFactory().get("/staff/")
    request.user = user
    return BANNER.render(Context({"request": request, "csrf_token": "token-for-test"}))


def test_platform_admin_sees_open_alerts_with_a_resolve_button(platform_admin):
    alert = SystemAlertFactory.create(occurrences=3)

    html = _render(platform_admin)

    assert "The audit log failed its integrity check" in html
    assert "seen 3 times in all" in html
    assert "docs/runbooks/audit.md" in html
    assert "Audit chain FAILED: 1 problem(s)" in html  # technical details
    assert reverse("system_alerts:resolve", args=[alert.pk]) in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "style=" not in html and "<script" not in html  # the CSP allows neither


def test_platform_admin_is_told_about_late_jobs(platform_admin):
    html = _render(platform_admin)

    assert "The nightly audit log check has not completed yet." in html


def test_other_staff_see_nothing(case_manager):
    SystemAlertFactory.create()

    assert _render(case_manager).strip() == ""


def test_platform_admin_resolves_an_alert(client, platform_admin):
    alert = SystemAlertFactory.create()
    client.force_login(platform_admin)

    response = client.post(reverse("system_alerts:resolve", args=[alert.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
    alert.refresh_from_db()
    assert alert.resolved_by == platform_admin
    assert AuditEvent.objects.filter(action="system_alert.resolved").count() == 1


def test_other_staff_cannot_resolve(client, case_manager):
    alert = SystemAlertFactory.create()
    enrol_totp(case_manager)
    client.force_login(case_manager)

    response = client.post(reverse("system_alerts:resolve", args=[alert.pk]))

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.is_open


def test_anonymous_is_sent_to_log_in(client):
    alert = SystemAlertFactory.create()

    response = client.post(reverse("system_alerts:resolve", args=[alert.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_resolve_needs_post(client, platform_admin):
    alert = SystemAlertFactory.create()
    client.force_login(platform_admin)

    assert client.get(reverse("system_alerts:resolve", args=[alert.pk])).status_code == 405


def test_unknown_alert_is_404(client, platform_admin):
    client.force_login(platform_admin)

    assert client.post(reverse("system_alerts:resolve", args=[99999])).status_code == 404
