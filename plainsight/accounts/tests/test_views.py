"""The person's own pages and the one-time link page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plainsight.accounts import services
from plainsight.accounts.links import access_link
from plainsight.accounts.models import User
from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/staff/account/welcome/"
NEW = "harbor lilac thunder pine"


@pytest.fixture
def issued():
    organization = OrganizationFactory.create()
    return services.account_invite(
        actor=None,
        organization=organization,
        email="invitee@example.org",
        first_name="In",
        last_name="Vitee",
        roles=[Role.ANALYST],
    )


def code_step(client: Client, code: str):
    return client.post(URL, {"step": "code", "code": code})


def password_step(client: Client, code: str, password: str, again: str | None = None):
    return client.post(
        URL,
        {
            "step": "password",
            "code": code,
            "new_password1": password,
            "new_password2": password if again is None else again,
        },
    )


def test_link_page_url_is_fixed_and_the_code_travels_after_the_hash(issued) -> None:
    assert reverse("accounts:set_password") == URL
    link = access_link(base_url="https://help.example.org", code=issued.code)
    assert link == f"https://help.example.org{URL}#{issued.code}"


def test_the_page_asks_for_the_code_and_loads_the_link_script(client) -> None:
    page = client.get(URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="code"' in content and "data-access-code" in content
    assert "/static/js/access-link.js" in content
    assert 'nonce="' in content  # the script is allowed by the CSP nonce, not inline


@pytest.mark.parametrize("code", ["", "nope", "A" * 43, "x" * 5000, "a b.c<script>"])
def test_bad_code_explains_itself(client, issued, code) -> None:
    response = code_step(client, code)
    assert response.status_code == 400
    assert b"errorlist" in response.content
    assert not User.objects.get(pk=issued.user.pk).has_usable_password()


def test_link_page_sets_the_password_and_signs_in(client, issued) -> None:
    page = code_step(client, issued.code)
    assert page.status_code == 200
    assert issued.code in page.content.decode()  # carried in a hidden field for the POST
    assert "invitee@example.org" in page.content.decode()
    mismatch = password_step(client, issued.code, NEW, NEW + "x")
    assert mismatch.status_code == 200 and b"do not match" in mismatch.content
    weak = password_step(client, issued.code, "password123")
    assert weak.status_code == 200 and b"too common" in weak.content
    response = password_step(client, issued.code, NEW)
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # Used: the link is dead for anyone else.
    assert code_step(Client(), issued.code).status_code == 400
    replay = password_step(Client(), issued.code, NEW)
    assert replay.status_code == 400


def test_a_code_pasted_across_lines_works(client, issued) -> None:
    broken = issued.code[:20] + "\n " + issued.code[20:]
    assert code_step(client, broken).status_code == 200


def test_password_change_page_keeps_this_session_and_ends_others() -> None:
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=user, role=Role.CASE_MANAGER)
    enrol_totp(user)
    this, other = Client(), Client()
    this.force_login(user)
    other.force_login(user)
    url = reverse("accounts:password_change")
    wrong = this.post(url, {"old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert b"incorrectly" in wrong.content
    response = this.post(
        url, {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response["Location"] == reverse("accounts:home")
    assert this.get("/staff/").status_code == 200
    assert other.get("/staff/").status_code == 302


def test_account_page_lists_roles() -> None:
    user = UserFactory.create()
    membership = MembershipFactory.create(user=user, role=Role.SUPERVISOR)
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    content = client.get(reverse("accounts:home")).content.decode()
    assert membership.organization.name in content
    assert "Supervisor" in content
