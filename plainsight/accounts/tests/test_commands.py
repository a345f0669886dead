"""manage.py staff_invite: how a new deployment gets its first admin."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plainsight.accounts.selectors import access_link_for
from plainsight.keys.selectors import organization_keys_exist
from plainsight.keys.services import recovery_unwrap
from plainsight.partners.models import Membership, Organization
from plainsight.partners.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/staff/account/welcome/#\S+")
RECOVERY_KEY = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){13}")


def staff_invite(*args: str) -> str:
    out = io.StringIO()
    call_command("staff_invite", *args, stdout=out)
    return out.getvalue()


def test_staff_invite_creates_the_organization_and_prints_a_link(settings) -> None:
    settings.PRODUCTION = True  # allowed: the only way in before any admin exists
    out = io.StringIO()
    call_command(
        "staff_invite",
        "--organization",
        "Kern Coalition Against Human Trafficking",
        "--email",
        "First.Admin@example.org",
        "--first-name",
        "Ana",
        "--role",
        "org_admin",
        "--role",
        "platform_admin",
        "--base-url",
        "https://plainsight.example.org/",
        stdout=out,
    )
    output = out.getvalue()
    link = LINK.search(output)
    assert link is not None
    parts = urlsplit(link.group())
    assert parts.netloc == "plainsight.example.org"
    assert parts.path == "/staff/account/welcome/"
    assert parts.query == ""  # the code is after '#': browsers never send it
    code = parts.fragment
    assert f"    {code}\n" in output  # printed alone too, for pasting
    access = access_link_for(code=code)
    assert access.ok and access.record is not None
    assert access.record.user.email == "first.admin@example.org"
    assert access.keys_secret  # the link carries the new organization's keys
    organization = Organization.objects.get()
    # The recovery key is printed once and opens the organization's keys.
    recovery_key = RECOVERY_KEY.search(output)
    assert recovery_key is not None
    assert recovery_unwrap(organization=organization, recovery_key=recovery_key.group())
    assert "keep it offline" in output
    assert set(
        Membership.objects.filter(organization=organization).values_list("role", flat=True)
    ) == {
        "org_admin",
        "platform_admin",
    }


def test_staff_invite_reports_bad_input() -> None:
    with pytest.raises(CommandError):
        call_command(
            "staff_invite",
            "--organization",
            "X",
            "--email",
            "nope",
            "--role",
            "analyst",
            stdout=io.StringIO(),
        )
    assert not Organization.objects.exists()


def test_staff_invite_gives_keys_to_an_organization_from_before_key_custody() -> None:
    OrganizationFactory.create(name="Old Partner")
    output = staff_invite(
        "--organization", "Old Partner", "--email", "lead@example.org", "--role", "org_admin"
    )
    organization = Organization.objects.get(name="Old Partner")
    assert organization_keys_exist(organization=organization)
    assert RECOVERY_KEY.search(output)
    link = LINK.search(output)
    assert link is not None
    assert access_link_for(code=urlsplit(link.group()).fragment).keys_secret


def test_staff_invite_refuses_an_organization_that_has_keys() -> None:
    staff_invite("--organization", "Keyed", "--email", "a@example.org", "--role", "org_admin")
    with pytest.raises(CommandError, match="already has keys"):
        staff_invite("--organization", "Keyed", "--email", "b@example.org", "--role", "analyst")
    assert not Membership.objects.filter(user__email="b@example.org").exists()


def test_staff_invite_uses_the_configured_base_url(settings) -> None:
    settings.PLAINSIGHT_BASE_URL = "https://help.example.org"
    output = staff_invite("--organization", "X", "--email", "a@example.org", "--role", "analyst")
    assert "https://help.example.org/staff/account/welcome/#" in output
