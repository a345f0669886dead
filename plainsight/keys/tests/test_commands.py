"""The runbook's commands: provision (recovery key shown once), recover, replace, status."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from plainsight.accounts.selectors import access_link_for
from plainsight.accounts.services import account_password_set_from_token
from plainsight.accounts.tests.factories import UserFactory
from plainsight.keys.models import MemberKeyWrap, OrganizationKeys, PendingGrant
from plainsight.keys.services import recovery_unwrap
from plainsight.partners.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

RECOVERY_KEY = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){13}")
LINK = re.compile(r"^    (https?://\S+/staff/account/welcome/#(\S+))$", re.MULTILINE)
CODE = re.compile(r"^    ([A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{64})$", re.MULTILINE)


def code_in(output: str) -> str:
    """The access code printed alone; the link printed before it carries the same."""
    link, code = LINK.search(output), CODE.search(output)
    assert link is not None and code is not None
    assert link.group(2) == code.group(1)
    return code.group(1)


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is None:
        call_command(*args, stdout=out)
    else:
        call_command(*args, stdout=out, stdin=io.StringIO(stdin))
    return out.getvalue()


def test_provision_prints_the_recovery_key_once_and_invites() -> None:
    organization = OrganizationFactory.create(slug="kern-intake")
    admin = UserFactory.create(email="admin@example.org")
    MembershipFactory.create(user=admin, organization=organization)
    output = run("keys_provision", "kern-intake", "--invite", "admin@example.org")
    recovery_key = RECOVERY_KEY.search(output)
    assert recovery_key is not None
    assert recovery_unwrap(organization=organization, recovery_key=recovery_key.group())
    link = access_link_for(code=code_in(output))
    assert link.ok and link.record is not None and link.record.user_id == admin.pk
    granted = account_password_set_from_token(
        token=link.token, keys_secret=link.keys_secret, new_password="a brand new passphrase"
    )
    assert MemberKeyWrap.objects.filter(user=granted, organization=organization).exists()
    with pytest.raises(CommandError, match="already has keys"):
        run("keys_provision", "kern-intake")
    assert OrganizationKeys.objects.count() == 1


def test_provision_prints_full_links_with_the_base_url(settings) -> None:
    settings.PLAINSIGHT_BASE_URL = "https://plainsight.example.org"
    organization = OrganizationFactory.create(slug="fjc")
    person = UserFactory.create(email="p@example.org")
    MembershipFactory.create(user=person, organization=organization)
    output = run("keys_provision", "fjc", "--invite", "p@example.org")
    assert "https://plainsight.example.org/staff/account/welcome/#" in output
    recovery_key = RECOVERY_KEY.search(output).group()  # type: ignore[union-attr]
    output = run(
        "keys_recover",
        "fjc",
        "p@example.org",
        "--base-url",
        "https://other.example",
        stdin=recovery_key + "\n",
    )
    assert "https://other.example/staff/account/welcome/#" in output
    assert code_in(output)


def test_provision_refuses_invitees_outside_the_organization() -> None:
    OrganizationFactory.create(slug="lonely")
    UserFactory.create(email="stranger@example.org")
    with pytest.raises(CommandError, match="not a member"):
        run("keys_provision", "lonely", "--invite", "stranger@example.org")
    assert not OrganizationKeys.objects.exists()


def test_provision_unknown_organization_or_person() -> None:
    with pytest.raises(CommandError, match="No organization"):
        run("keys_provision", "nope")
    OrganizationFactory.create(slug="known")
    with pytest.raises(CommandError, match="No person"):
        run("keys_provision", "known", "--invite", "nobody@example.org")
    assert not OrganizationKeys.objects.exists()


def test_recover_reads_the_key_from_stdin_and_prints_a_link() -> None:
    organization = OrganizationFactory.create(slug="tribal")
    person = UserFactory.create(email="lead@example.org")
    MembershipFactory.create(user=person, organization=organization)
    recovery_key = RECOVERY_KEY.search(run("keys_provision", "tribal")).group()  # type: ignore[union-attr]
    output = run("keys_recover", "tribal", "lead@example.org", stdin=recovery_key.lower() + "\n")
    assert recovery_key not in output
    link = access_link_for(code=code_in(output))
    assert link.ok
    account_password_set_from_token(
        token=link.token, keys_secret=link.keys_secret, new_password="a brand new passphrase"
    )
    person.refresh_from_db()
    assert person.check_password("a brand new passphrase")
    assert MemberKeyWrap.objects.filter(user=person, organization=organization).exists()
    assert not PendingGrant.objects.exists()


def test_recover_refuses_people_outside_the_organization() -> None:
    OrganizationFactory.create(slug="solo")
    UserFactory.create(email="outsider@example.org")
    recovery_key = RECOVERY_KEY.search(run("keys_provision", "solo")).group()  # type: ignore[union-attr]
    with pytest.raises(CommandError, match="not a member"):
        run("keys_recover", "solo", "outsider@example.org", stdin=recovery_key + "\n")


def test_recover_refuses_the_key_as_an_argument_and_wrong_keys() -> None:
    organization = OrganizationFactory.create(slug="vs")
    person = UserFactory.create(email="x@example.org")
    MembershipFactory.create(user=person, organization=organization)
    recovery_key = RECOVERY_KEY.search(run("keys_provision", "vs")).group()  # type: ignore[union-attr]
    with pytest.raises(CommandError):
        run("keys_recover", "vs", "x@example.org", recovery_key, stdin="")
    with pytest.raises(CommandError, match="recovery key"):
        run("keys_recover", "vs", "x@example.org", stdin="AAAA-BBBB\n")
    with pytest.raises(CommandError, match="Nothing on standard input"):
        run("keys_recover", "vs", "x@example.org", stdin="")
    assert not PendingGrant.objects.exists()


def test_recovery_replace_prints_a_new_key_and_retires_the_old() -> None:
    organization = OrganizationFactory.create(slug="school")
    old = RECOVERY_KEY.search(run("keys_provision", "school")).group()  # type: ignore[union-attr]
    output = run("keys_recovery_replace", "school", stdin=old + "\n")
    new = RECOVERY_KEY.search(output)
    assert new is not None and new.group() != old
    assert recovery_unwrap(organization=organization, recovery_key=new.group())
    with pytest.raises(CommandError):
        run("keys_recovery_replace", "school", stdin=old + "\n")


def test_status_shows_counts_only() -> None:
    organization = OrganizationFactory.create(slug="alpha")
    OrganizationFactory.create(slug="beta")
    person = UserFactory.create()
    MembershipFactory.create(user=person, organization=organization)
    run("keys_provision", "alpha")
    output = run("keys_status")
    assert "alpha  yes  1  0  0  1" in output
    assert "beta  NO  -  0  0  0" in output
