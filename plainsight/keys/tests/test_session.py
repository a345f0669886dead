"""Session custody through the real staff login: allauth's password step opens the keys,
the TOTP step signs the person in; then cookie, session store, locking, logout."""

from __future__ import annotations

import base64
from http.cookies import Morsel

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from plainsight.accounts.tests.factories import UserFactory, enrol_totp
from plainsight.keys import crypto, data
from plainsight.keys.conf import cookie_name
from plainsight.keys.services import member_keys_grant_by_password, member_keys_revoke
from plainsight.keys.session import SESSION_KEY
from plainsight.keys.tests.conftest import PASSWORD
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory
from plainsight.testing.canary import Artifact, find_canaries
from plainsight.testing.login import password_step, sign_in, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.urls("plainsight.keys.tests.urls")]

LOGIN_URL = "/staff/account/login/"
TOTP_SECRETS: dict[int, str] = {}  # user id -> the secret their authenticator app holds


def staff(organization, provisioned):
    """A member of ``organization`` holding its keys under PASSWORD, with a TOTP app."""
    user = UserFactory.create(password=PASSWORD)
    MembershipFactory.create(user=user, organization=organization)
    TOTP_SECRETS[user.pk] = enrol_totp(user)
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=user, password=PASSWORD
    )
    return user


@pytest.fixture
def granted(organization, provisioned):
    return staff(organization, provisioned)


def log_in(client: Client, user, *, code_offset: int = 0) -> Morsel[str]:
    """The real two-step sign-in; returns the keyring cookie (set at the password step)."""
    response = sign_in(
        client, user, password=PASSWORD, totp_secret=TOTP_SECRETS[user.pk], code_offset=code_offset
    )
    return response.cookies[cookie_name()]


def expected_index(provisioned, organization) -> str:
    return data.blind_index(
        keyring=provisioned.keyring, organization=organization, field="name", value="probe"
    )


def test_sign_in_sets_a_strict_http_only_cookie(client, granted) -> None:
    cookie = log_in(client, granted)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["max-age"] == ""  # a browser-session cookie, like the session's
    assert not cookie["secure"]  # development; see the production test below
    assert crypto.decode_cookie_key(cookie.value) is not None


def test_production_cookie_is_secure_and_host_prefixed(client, settings, granted) -> None:
    settings.KEYS_COOKIE_SECURE = True
    response = password_step(client, granted.email, PASSWORD)
    cookie = response.cookies["__Host-plainsight_keys"]
    assert cookie["secure"] is True and cookie["path"] == "/"


def test_keyring_opens_data_across_requests(client, organization, provisioned, granted) -> None:
    log_in(client, granted)
    response = client.get(f"/index/{organization.pk}/")
    assert response.json() == {"index": expected_index(provisioned, organization)}
    assert client.get("/held/").json() == {"organizations": [str(organization.pk)]}


def test_session_store_holds_only_ciphertext(client, organization, provisioned, granted) -> None:
    cookie = log_in(client, granted)
    sessions = list(Session.objects.all())
    assert len(sessions) == 1
    decoded = sessions[0].get_decoded()
    assert set(decoded) >= {SESSION_KEY, "_auth_user_id"}
    stored = base64.b64decode(decoded[SESSION_KEY])
    assert stored[0] == crypto.FORMAT_SESSION
    secrets = provisioned.keyring.secrets_for(organization)
    cookie_key = crypto.decode_cookie_key(cookie.value)
    assert cookie_key is not None
    canaries = [secrets.data_key, secrets.private_key, cookie_key, cookie.value, PASSWORD]
    session_rows = [
        Artifact(f"session {s.session_key}", s.session_data.encode()) for s in sessions
    ] + [Artifact("decoded session", repr(decoded).encode())]
    assert find_canaries(canaries, session_rows) == []
    # The check can fail: the same search finds the key in a naive session.
    naive = Artifact("naive", base64.b64encode(secrets.data_key))
    assert find_canaries(canaries, [naive])


def test_the_password_step_alone_opens_nothing(client, organization, granted) -> None:
    """The keys are unwrapped at the password step, before the second factor, but the
    session keyring opens only once the person is fully signed in."""
    response = password_step(client, granted.email, PASSWORD)
    assert cookie_name() in response.cookies
    assert SESSION_KEY in client.session
    assert client.get("/held/").status_code == 302  # nobody is signed in yet
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRETS[granted.pk])})
    assert client.get("/held/").json() == {"organizations": [str(organization.pk)]}


def test_login_rotates_the_session_and_keeps_the_keyring(client, granted) -> None:
    password_step(client, granted.email, PASSWORD)
    before = client.session.session_key
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRETS[granted.pk])})
    assert client.session.session_key != before
    assert client.get("/held/").status_code == 200


def test_a_wrong_password_opens_nothing(client, granted) -> None:
    response = password_step(client, granted.email, "not the password at all")
    assert response.status_code == 200
    assert cookie_name() not in response.cookies
    assert SESSION_KEY not in client.session


def test_missing_cookie_locks_and_asks_to_sign_in_again(client, organization, granted) -> None:
    log_in(client, granted)
    del client.cookies[cookie_name()]
    response = client.get(f"/index/{organization.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")
    # Signed out on the server: the session, and the keyring ciphertext, are gone.
    assert not Session.objects.filter(session_data__contains=SESSION_KEY).exists()
    assert client.get("/held/").status_code == 302
    assert client.get("/plain/").status_code == 200  # pages without keys still work
    page = client.get(response["Location"])
    assert b"please sign in again" in page.content


def test_wrong_cookie_locks(client, organization, granted) -> None:
    log_in(client, granted)
    client.cookies[cookie_name()] = crypto.encode_cookie_key(crypto.random_bytes(32))
    assert client.get(f"/index/{organization.pk}/").status_code == 302
    assert client.get("/staff/").status_code == 302  # signed out


def test_garbled_cookie_locks(client, organization, granted) -> None:
    log_in(client, granted)
    client.cookies[cookie_name()] = "not-a-key"
    assert client.get(f"/index/{organization.pk}/").status_code == 302


def test_another_sessions_cookie_does_not_open_this_session(
    organization, provisioned, granted
) -> None:
    other = staff(organization, provisioned)
    mine, theirs = Client(), Client()
    log_in(mine, granted)
    their_cookie = log_in(theirs, other)
    mine.cookies[cookie_name()] = their_cookie.value
    assert mine.get(f"/index/{organization.pk}/").status_code == 302


def test_each_sign_in_uses_a_new_cookie_key(granted) -> None:
    first = log_in(Client(), granted).value
    second = log_in(Client(), granted, code_offset=1).value
    assert first != second


def test_logout_destroys_the_keyring_and_deletes_the_cookie(client, organization, granted) -> None:
    cookie = log_in(client, granted)
    response = client.post(reverse("account_logout"))
    deleted = response.cookies[cookie_name()]
    assert deleted.value == "" and deleted["max-age"] == 0
    assert not Session.objects.filter(session_data__contains=SESSION_KEY).exists()
    # Replaying the old cookie opens nothing.
    client.cookies[cookie_name()] = cookie.value
    assert client.get(f"/index/{organization.pk}/").status_code == 302


def test_session_flush_deletes_the_cookie_on_the_next_response(client, granted) -> None:
    log_in(client, granted)
    Session.objects.all().delete()  # e.g. the idle timeout
    response = client.get("/plain/")
    assert response.cookies[cookie_name()]["max-age"] == 0


def test_reauthentication_reopens_the_keyring_under_a_new_cookie(
    client, organization, provisioned, granted
) -> None:
    first = log_in(client, granted)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    renewed = response.cookies[cookie_name()]
    assert renewed.value != first.value
    assert client.get(f"/index/{organization.pk}/").json() == {
        "index": expected_index(provisioned, organization)
    }
    client.cookies[cookie_name()] = first.value  # the old cookie key is dead
    assert client.get(f"/index/{organization.pk}/").status_code == 302


def test_revocation_takes_effect_at_the_next_request(client, organization, granted) -> None:
    log_in(client, granted)
    assert client.get(f"/index/{organization.pk}/").status_code == 200
    member_keys_revoke(organization=organization, user=granted)
    assert client.get(f"/index/{organization.pk}/").status_code == 403
    assert client.get("/held/").json() == {"organizations": []}


def test_deactivated_membership_takes_effect_at_the_next_request(
    client, organization, granted
) -> None:
    log_in(client, granted)
    granted.memberships.update(is_active=False)
    assert client.get(f"/index/{organization.pk}/").status_code == 403


def test_other_organizations_are_not_opened(client, granted) -> None:
    other = OrganizationFactory.create()
    log_in(client, granted)
    assert client.get(f"/index/{other.pk}/").status_code == 403


def test_cross_site_navigation_offers_a_same_site_continue_link(
    client, organization, granted
) -> None:
    log_in(client, granted)
    del client.cookies[cookie_name()]  # what SameSite=Strict does on a cross-site link
    response = client.get(
        f"/index/{organization.pk}/?x=1", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 200
    assert f'href="/index/{organization.pk}/?x=1"'.encode() in response.content
    assert client.get("/staff/").status_code == 200  # still signed in


def test_htmx_request_is_redirected_by_header(client, organization, granted) -> None:
    log_in(client, granted)
    del client.cookies[cookie_name()]
    response = client.get(f"/index/{organization.pk}/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(f"{LOGIN_URL}?next=")


def test_anonymous_request_is_locked(client, organization) -> None:
    response = client.get("/held/")
    assert response.status_code == 302
    assert cookie_name() not in response.cookies
