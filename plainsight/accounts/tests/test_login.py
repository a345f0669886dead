"""Login with two factors, end to end through allauth: the flows security.md demands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp, has_totp
from plainsight.audit.models import AuditEvent
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory
from plainsight.testing.login import totp_code

pytestmark = pytest.mark.django_db

# Mid-period, so a code stays the same for the whole frozen test.
T0 = datetime(2026, 3, 2, 17, 0, 10, tzinfo=UTC)


@pytest.fixture
def person():
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=user, role=Role.CASE_MANAGER)
    enrol_totp(user)
    return user


@pytest.fixture
def secret(person) -> str:
    """The person's TOTP secret, as their authenticator app knows it."""
    return decrypt(Authenticator.objects.get(user=person, type="totp").data["secret"])


def password_step(client: Client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def code_step(client: Client, code: str):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def test_login_needs_password_then_code(person, secret) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False):
        response = password_step(client, person.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        # The password alone does not sign anyone in.
        assert client.get("/staff/").status_code == 302
        response = code_step(client, totp_code(secret))
        assert response.status_code == 302
        assert response["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="account.logged_in", target_id=str(person.pk)).exists()


def test_email_is_case_insensitive_at_login(person) -> None:
    client = Client()
    response = password_step(client, person.email.upper())
    assert response["Location"] == reverse("mfa_authenticate")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(person) -> None:
    client = Client()
    response = password_step(client, person.email, "not the password at all")
    assert response.status_code == 200
    assert b"not correct" in response.content
    unknown = password_step(Client(), "nobody@example.org", "not the password at all")
    assert unknown.status_code == 200
    assert b"not correct" in unknown.content


def test_wrong_code_is_refused(person, secret) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False):
        password_step(client, person.email)
        right = totp_code(secret)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = code_step(client, wrong)
        assert response.status_code == 200
        assert b"Incorrect code" in response.content
        assert client.get("/staff/").status_code == 302


def test_replayed_code_is_refused(person, secret) -> None:
    """A code that signed someone in cannot sign anyone in again (allauth marks it used)."""
    with time_machine.travel(T0, tick=False):
        code = totp_code(secret)
        first = Client()
        password_step(first, person.email)
        assert code_step(first, code)["Location"] == "/staff/"

        second = Client()
        password_step(second, person.email)
        response = code_step(second, code)
        assert response.status_code == 200
        assert b"Incorrect code" in response.content
        assert second.get("/staff/").status_code == 302
    with time_machine.travel(T0 + timedelta(seconds=60), tick=False):
        # The next code works.
        assert code_step(second, totp_code(secret))["Location"] == "/staff/"


def test_session_key_is_rotated_at_login(person, secret) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False):
        password_step(client, person.email)
        before = client.cookies["sessionid"].value
        code_step(client, totp_code(secret))
        after = client.cookies["sessionid"].value
    assert before != after
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_deletes_the_session_on_the_server(person) -> None:
    client = Client()
    client.force_login(person)
    assert client.get("/staff/").status_code == 200
    old_key = client.cookies["sessionid"].value
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    # Someone who copied the old cookie gets nothing.
    thief = Client()
    thief.cookies["sessionid"] = old_key
    response = thief.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action="account.logged_out", target_id=str(person.pk)).exists()


def test_logout_needs_post(person) -> None:
    client = Client()
    client.force_login(person)
    client.get(reverse("account_logout"))
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth acts on commit: commit for real
def test_without_a_second_factor_every_staff_page_leads_to_enrolment() -> None:
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=user, role=Role.ORG_ADMIN)
    client = Client()
    with time_machine.travel(T0, tick=False):
        response = password_step(client, user.email)
        # No authenticator yet: the password signs in, but only enrolment is reachable.
        assert response["Location"] == "/staff/"
        for url in ("/staff/", reverse("partners_staff:home"), reverse("accounts:home")):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == reverse("mfa_activate_totp"), url
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200  # no second password prompt right after login
        secret = client.session["mfa.totp.secret"]
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_view_recovery_codes")
        # The recovery codes show at once: the valid code just counted as a confirmation.
        codes = client.get(response["Location"])
        assert codes.status_code == 200
        assert b"recovery_codes" in codes.content
        assert has_totp(user)
        assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.added.totp", actor_id=user.pk).exists()


def test_enrolment_page_shows_no_inline_script_or_style() -> None:
    user = UserFactory.create()
    client = Client()
    client.force_login(user)
    content = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "style=" not in content and "<style" not in content
    assert "<script>" not in content
    assert 'src="data:image/svg+xml;base64,' in content  # the QR code, allowed by img-src


def test_stored_totp_secret_is_not_plain(person, secret) -> None:
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=person, type="totp").data["secret"]
    assert secret not in stored
    assert stored.startswith("fernet:")


def test_failed_passwords_lock_the_account_without_storing_the_client(person) -> None:
    client = Client(
        HTTP_USER_AGENT="canary-agent-4af1",
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    for _ in range(5):
        response = password_step(client, person.email, "wrong password guess")
    assert response.status_code == 429
    # The right password is refused while locked, with the lockout page.
    response = password_step(client, person.email)
    assert response.status_code == 429
    assert b"locked" in response.content
    attempt = AccessAttempt.objects.get()
    assert attempt.username == person.email
    assert attempt.ip_address is None
    assert attempt.failures_since_start >= 5
    for row in [
        *AccessAttempt.objects.all(),
        *AccessLog.objects.all(),
        *AccessFailureLog.objects.all(),
    ]:
        values = " ".join(str(value) for value in row.__dict__.values())
        for canary in (
            "canary-agent-4af1",
            "203.0.113.77",
            "198.51.100.23",
            "wrong password guess",
        ):
            assert canary not in values
    assert AccessLog.objects.count() == 0
    assert (
        AuditEvent.objects.filter(action="account.locked_out", target_id=str(person.pk)).count()
        == 1
    )


def test_lockout_ends_after_the_cool_off(person) -> None:
    with time_machine.travel(T0, tick=False):
        client = Client()
        for _ in range(5):
            password_step(client, person.email, "wrong password guess")
        assert password_step(client, person.email).status_code == 429
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        response = password_step(Client(), person.email)
        assert response["Location"] == reverse("mfa_authenticate")


def test_lockout_is_per_account(person) -> None:
    other = UserFactory.create(password=DEFAULT_PASSWORD)
    enrol_totp(other)
    client = Client()
    for _ in range(5):
        password_step(client, person.email, "wrong password guess")
    assert password_step(client, other.email)["Location"] == reverse("mfa_authenticate")


def test_failed_codes_count_towards_the_lockout(person, secret) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False):
        password_step(client, person.email)
        right = totp_code(secret)
        wrong = f"{(int(right) + 7) % 1_000_000:06d}"
        for _ in range(5):
            code_step(client, wrong)
        response = code_step(client, right)
        assert response.status_code == 200
        assert b"Too many failed attempts" in response.content
        assert client.get("/staff/").status_code == 302
        assert password_step(Client(), person.email).status_code == 429


def test_sign_up_is_closed() -> None:
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("account_signup")
    assert Client().get("/staff/account/signup/").status_code == 404


def test_login_page_is_translated() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = client.post(reverse("account_login"), {"login": "no es un correo", "password": "x"})
    assert "Introduzca una dirección de correo electrónico válida." in response.content.decode()
