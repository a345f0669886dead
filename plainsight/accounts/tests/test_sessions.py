"""A busy database skips a session's expiry refresh; it never loses a session change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client

from plainsight.accounts.sessions import SessionStore
from plainsight.accounts.tests.factories import UserFactory, enrol_totp
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


def busy_database():
    """Every session write refused the way SQLite refuses it while another process
    (the task worker, during an import) holds the write lock past the busy timeout."""
    return mock.patch.object(
        Session, "save", side_effect=OperationalError("database is locked"), autospec=True
    )


@pytest.fixture
def signed_in() -> Client:
    user = UserFactory.create()
    MembershipFactory.create(user=user, role=Role.INTAKE_ADVOCATE)
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    return client


def test_the_settings_use_this_store():
    assert settings.SESSION_ENGINE == "plainsight.accounts.sessions"


def test_a_page_is_shown_while_the_database_is_busy_and_the_idle_clock_is_not_extended(
    signed_in,
):
    with time_machine.travel(T0, tick=False) as traveller:
        assert signed_in.get("/staff/").status_code == 200
        expiry = Session.objects.get().expire_date
        traveller.shift(timedelta(minutes=5))
        with busy_database():
            response = signed_in.get("/staff/")
        # Django's own store answers "400 Bad Request" (SessionInterrupted).
        assert response.status_code == 200
        assert Session.objects.get().expire_date == expiry  # ends no later than before
        traveller.shift(timedelta(minutes=5))
        assert signed_in.get("/staff/").status_code == 200
        assert Session.objects.get().expire_date == expiry + timedelta(minutes=10)


def test_a_session_change_is_never_skipped():
    store = SessionStore()
    store["step"] = 1
    store.create()
    store = SessionStore(store.session_key)
    store["step"] = 2
    with busy_database(), pytest.raises(UpdateError):
        store.save()
    assert SessionStore(store.session_key)["step"] == 1


def test_a_session_deleted_meanwhile_is_still_refused():
    """A logout in another tab or a revocation: Django's "session deleted" answer."""
    store = SessionStore()
    store["step"] = 1
    store.create()
    store = SessionStore(store.session_key)
    assert store["step"] == 1  # loaded, unchanged
    Session.objects.all().delete()
    with pytest.raises(UpdateError):
        store.save()
