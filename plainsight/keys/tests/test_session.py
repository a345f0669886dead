"""Session custody through real requests: cookie, session store, locking, logout."""

from __future__ import annotations

import base64
from http.cookies import Morsel

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from plainsight.keys import crypto, data
from plainsight.keys.conf import cookie_name
from plainsight.keys.services import member_keys_grant_by_password, member_keys_revoke
from plainsight.keys.session import SESSION_KEY
from plainsight.keys.tests.conftest import PASSWORD
from plainsight.keys.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from plainsight.testing.canary import Artifact, find_canaries

pytestmark = [pytest.mark.django_db, pytest.mark.urls("plainsight.keys.tests.urls")]


@pytest.fixture
def granted(organization, provisioned, member):
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=member, password=PASSWORD
    )
    return member


def sign_in(client: Client, user, password: str = PASSWORD) -> Morsel[str]:
    response = client.post("/sign-in/", {"username": user.username, "password": password})
    assert response.status_code == 200
    return response.cookies[cookie_name()]


def expected_index(provisioned, organization) -> str:
    return data.blind_index(
        keyring=provisioned.keyring, organization=organization, field="name", value="probe"
    )


def test_sign_in_sets_a_strict_http_only_cookie(client, granted) -> None:
    cookie = sign_in(client, granted)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["max-age"] == ""  # a browser-session cookie, like the session's
    assert not cookie["secure"]  # development; see the production test below
    assert crypto.decode_cookie_key(cookie.value) is not None


def test_production_cookie_is_secure_and_host_prefixed(client, settings, granted) -> None:
    settings.KEYS_COOKIE_SECURE = True
    cookie = sign_in(client, granted)
    assert cookie.key == "__Host-plainsight_keys"
    assert cookie["secure"] is True and cookie["path"] == "/"


def test_keyring_opens_data_across_requests(client, organization, provisioned, granted) -> None:
    sign_in(client, granted)
    response = client.get(f"/index/{organization.pk}/")
    assert response.json() == {"index": expected_index(provisioned, organization)}
    assert client.get("/held/").json() == {"organizations": [str(organization.pk)]}


def test_session_store_holds_only_ciphertext(client, organization, provisioned, granted) -> None:
    cookie = sign_in(client, granted)
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


def test_missing_cookie_locks_and_asks_to_sign_in_again(client, organization, granted) -> None:
    sign_in(client, granted)
    del client.cookies[cookie_name()]
    response = client.get(f"/index/{organization.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")
    # Signed out on the server: the session, and the keyring ciphertext, are gone.
    assert not Session.objects.exists()
    assert client.get("/held/").status_code == 302
    assert client.get("/plain/").status_code == 200  # pages without keys still work


def test_wrong_cookie_locks(client, organization, granted) -> None:
    sign_in(client, granted)
    client.cookies[cookie_name()] = crypto.encode_cookie_key(crypto.random_bytes(32))
    assert client.get(f"/index/{organization.pk}/").status_code == 302
    assert not Session.objects.exists()


def test_garbled_cookie_locks(client, organization, granted) -> None:
    sign_in(client, granted)
    client.cookies[cookie_name()] = "not-a-key"
    assert client.get(f"/index/{organization.pk}/").status_code == 302


def test_another_sessions_cookie_does_not_open_this_session(
    organization, provisioned, granted
) -> None:
    other = UserFactory.create(password=PASSWORD)
    MembershipFactory.create(user=other, organization=organization)
    member_keys_grant_by_password(
        keyring=provisioned.keyring, organization=organization, user=other, password=PASSWORD
    )
    mine, theirs = Client(), Client()
    sign_in(mine, granted)
    their_cookie = sign_in(theirs, other)
    mine.cookies[cookie_name()] = their_cookie.value
    assert mine.get(f"/index/{organization.pk}/").status_code == 302


def test_each_sign_in_uses_a_new_cookie_key(client, granted) -> None:
    first = sign_in(client, granted).value
    second = sign_in(Client(), granted).value
    assert first != second


def test_logout_destroys_the_keyring_and_deletes_the_cookie(client, organization, granted) -> None:
    cookie = sign_in(client, granted)
    response = client.get("/sign-out/")
    deleted = response.cookies[cookie_name()]
    assert deleted.value == "" and deleted["max-age"] == 0
    assert not Session.objects.exists()
    # Even replaying the old cookie after signing back in elsewhere opens nothing.
    client.cookies[cookie_name()] = cookie.value
    assert client.get(f"/index/{organization.pk}/").status_code == 302


def test_session_flush_deletes_the_cookie_on_the_next_response(client, granted) -> None:
    sign_in(client, granted)
    Session.objects.all().delete()  # e.g. the absolute session timeout
    response = client.get("/plain/")
    assert response.cookies[cookie_name()]["max-age"] == 0


def test_revocation_takes_effect_at_the_next_request(client, organization, granted) -> None:
    sign_in(client, granted)
    assert client.get(f"/index/{organization.pk}/").status_code == 200
    member_keys_revoke(organization=organization, user=granted)
    assert client.get(f"/index/{organization.pk}/").status_code == 403
    assert client.get("/held/").json() == {"organizations": []}


def test_deactivated_membership_takes_effect_at_the_next_request(
    client, organization, granted
) -> None:
    sign_in(client, granted)
    granted.memberships.update(is_active=False)
    assert client.get(f"/index/{organization.pk}/").status_code == 403


def test_other_organizations_are_not_opened(client, granted) -> None:
    other = OrganizationFactory.create()
    sign_in(client, granted)
    assert client.get(f"/index/{other.pk}/").status_code == 403


def test_unlock_at_the_password_step_of_two_factor_sign_in(
    client, organization, provisioned, granted
) -> None:
    response = client.post("/password-step/", {"username": granted.username, "password": PASSWORD})
    assert response.status_code == 200 and cookie_name() in response.cookies
    # Before the second factor nobody is signed in: the keyring stays locked.
    assert client.get("/held/").status_code == 302
    client.post("/password-step/", {"username": granted.username, "password": PASSWORD})
    client.post("/second-factor/")
    response = client.get(f"/index/{organization.pk}/")
    assert response.json() == {"index": expected_index(provisioned, organization)}


def test_cross_site_navigation_offers_a_same_site_continue_link(
    client, organization, granted
) -> None:
    sign_in(client, granted)
    del client.cookies[cookie_name()]  # what SameSite=Strict does on a cross-site link
    response = client.get(
        f"/index/{organization.pk}/?x=1", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 200
    assert f'href="/index/{organization.pk}/?x=1"'.encode() in response.content
    assert Session.objects.exists()  # still signed in


def test_htmx_request_is_redirected_by_header(client, organization, granted) -> None:
    sign_in(client, granted)
    del client.cookies[cookie_name()]
    response = client.get(f"/index/{organization.pk}/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/staff/login/?next=")


def test_anonymous_request_is_locked(client, organization) -> None:
    response = client.get("/held/")
    assert response.status_code == 302
    assert cookie_name() not in response.cookies
