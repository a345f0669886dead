"""manage.py staff_invite: how a new deployment gets its first admin."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plainsight.accounts.selectors import account_token_for
from plainsight.partners.models import Membership, Organization

pytestmark = pytest.mark.django_db


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
    link = out.getvalue().strip().splitlines()[-1]
    parts = urlsplit(link)
    assert parts.netloc == "plainsight.example.org"
    assert parts.path == "/staff/account/welcome/"
    token = parse_qs(parts.query)["token"][0]
    record = account_token_for(token=token)
    assert record is not None and record.user.email == "first.admin@example.org"
    organization = Organization.objects.get()
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
