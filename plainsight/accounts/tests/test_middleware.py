"""Session lifetime (idle 15 min, absolute 8 h, revocation) and forced second factor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from plainsight.accounts.middleware import LOGIN_AT_SESSION_KEY
from plainsight.accounts.services import account_sessions_end
from plainsight.accounts.tests.factories import UserFactory, enrol_totp
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


@pytest.fixture
def staff():
    user = UserFactory.create()
    MembershipFactory.create(user=user, role=Role.INTAKE_ADVOCATE)
    enrol_totp(user)
    return user


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_idle_session_ends_after_15_minutes(staff) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = _signed_in(staff)
        key = client.cookies["sessionid"].value
        assert client.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=14))
        assert client.get("/staff/").status_code == 200  # activity renews the idle clock
        traveller.shift(timedelta(minutes=15, seconds=1))
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not Session.objects.filter(
            session_key=key, expire_date__gt=T0 + timedelta(minutes=30)
        ).exists()


def test_active_session_ends_after_8_hours(staff) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = _signed_in(staff)
        key = client.cookies["sessionid"].value
        for _ in range(47):  # every 10 minutes for 7 h 50 min
            traveller.shift(timedelta(minutes=10))
            assert client.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=10))
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not Session.objects.filter(session_key=key).exists()


def test_absolute_lifetime_follows_the_setting(staff, settings) -> None:
    settings.SESSION_ABSOLUTE_SECONDS = 600
    with time_machine.travel(T0, tick=False) as traveller:
        client = _signed_in(staff)
        traveller.shift(timedelta(minutes=9))
        assert client.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=1))
        assert client.get("/staff/").status_code == 302


def test_session_without_login_time_is_not_trusted(staff) -> None:
    client = _signed_in(staff)
    session = client.session
    del session[LOGIN_AT_SESSION_KEY]
    session.save()
    assert client.get("/staff/").status_code == 302


def test_revoked_sessions_end_at_their_next_request(staff) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        first, second = _signed_in(staff), _signed_in(staff)
        traveller.shift(timedelta(seconds=5))
        account_sessions_end(user=staff)
        traveller.shift(timedelta(seconds=5))
        assert first.get("/staff/").status_code == 302
        assert second.get("/staff/").status_code == 302
        # Signing in again afterwards works.
        assert _signed_in(staff).get("/staff/").status_code == 200


def test_public_pages_do_not_redirect_an_expired_session(staff) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client = _signed_in(staff)
        traveller.shift(timedelta(hours=9))
        assert client.get("/en/").status_code == 200


def test_second_factor_is_required_on_staff_pages_only() -> None:
    user = UserFactory.create()
    MembershipFactory.create(user=user, role=Role.ANALYST)
    client = _signed_in(user)
    assert client.get("/staff/")["Location"] == reverse("mfa_activate_totp")
    assert client.get("/en/").status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # The way out stays open.
    assert client.post(reverse("account_logout")).status_code == 302


def test_recovery_codes_alone_do_not_count_as_a_second_factor() -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = UserFactory.create()
    MembershipFactory.create(user=user, role=Role.ANALYST)
    RecoveryCodes.activate(user)
    assert _signed_in(user).get("/staff/")["Location"] == reverse("mfa_activate_totp")
