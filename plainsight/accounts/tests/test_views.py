"""The person's own pages and the one-time link page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plainsight.accounts import services
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


def test_link_page_url_keeps_the_token_out_of_the_path() -> None:
    assert reverse("accounts:set_password") == URL


@pytest.mark.parametrize("query", [{}, {"token": "nope"}, {"token": ""}])
def test_bad_link_explains_itself(query) -> None:
    response = Client().get(URL, query)
    assert response.status_code == 400
    assert b"not valid" in response.content or b"does not work" in response.content


def test_link_page_sets_the_password_and_signs_in(issued) -> None:
    client = Client()
    page = client.get(URL, {"token": issued.token})
    assert page.status_code == 200
    assert issued.token in page.content.decode()  # carried in a hidden field for the POST
    mismatch = client.post(
        URL, {"token": issued.token, "new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert mismatch.status_code == 200 and b"do not match" in mismatch.content
    weak = client.post(
        URL, {"token": issued.token, "new_password1": "password123", "new_password2": "password123"}
    )
    assert weak.status_code == 200 and b"too common" in weak.content
    response = client.post(URL, {"token": issued.token, "new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # Used: the link is dead for anyone else.
    assert Client().get(URL, {"token": issued.token}).status_code == 400
    replay = Client().post(URL, {"token": issued.token, "new_password1": NEW, "new_password2": NEW})
    assert replay.status_code == 400


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
