"""Demo people: one per role, two factors ready, idempotent, never in production."""

from __future__ import annotations

import io
import stat

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from plainsight.accounts import demo
from plainsight.accounts.models import User
from plainsight.audit.models import AuditEvent
from plainsight.keys.selectors import organization_keys_exist
from plainsight.keys.services import recovery_unwrap
from plainsight.partners.models import Membership, Organization, Role
from plainsight.testing.login import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def load() -> str:
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def test_one_demo_person_per_role_with_a_second_factor(tmp_path) -> None:
    load()
    people = User.objects.filter(is_demo=True)
    assert people.count() == len(Role.values)
    roles = set(
        Membership.objects.filter(user__in=people, is_active=True).values_list("role", flat=True)
    )
    assert roles == set(Role.values)
    for person in people:
        assert person.has_usable_password()
        assert Authenticator.objects.filter(user=person, type="totp").exists()
        assert person.email.endswith("@demo.plainsight.test")
    assert Organization.objects.filter(is_demo=True).count() == 5
    assert all(o.name.endswith(" (demo)") for o in Organization.objects.all())
    case_manager = User.objects.get(email="case-manager@demo.plainsight.test")
    assert case_manager.is_qualified_caseworker
    assert User.objects.get(email="prevention-educator@demo.plainsight.test").is_mandated_reporter


def test_credentials_file_is_private_and_complete(tmp_path) -> None:
    load()
    path = tmp_path / "demo-credentials.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    creds = demo.read_credentials(path)
    assert len(creds) == len(Role.values)
    for email, values in creds.items():
        assert User.objects.get(email=email).check_password(values["password"])
        assert len(values["totp_secret"]) >= 32
    assert "demo_totp" in path.read_text()


def test_loading_twice_changes_nothing(tmp_path) -> None:
    load()
    path = tmp_path / "demo-credentials.txt"
    first = path.read_text()
    counts = (User.objects.count(), Membership.objects.count(), Organization.objects.count())
    events = AuditEvent.objects.count()
    load()
    assert path.read_text() == first
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events


def test_passwords_are_random_per_installation(tmp_path) -> None:
    load()
    creds = demo.read_credentials(tmp_path / "demo-credentials.txt")
    passwords = [values["password"] for values in creds.values()]
    assert len(set(passwords)) == len(passwords)
    assert all(len(password) >= 20 for password in passwords)
    recovery_keys = demo.read_recovery_keys(tmp_path / "demo-credentials.txt")
    assert len(set(recovery_keys.values())) == len(recovery_keys) == 5


def test_a_lost_credentials_file_is_refused_clearly_and_changes_nothing(tmp_path) -> None:
    """The file held the demo organizations' recovery keys and the only passwords that
    open their keys: without it nobody can open them, by design. The load says how to
    start over instead of half-resetting people."""
    load()
    path = tmp_path / "demo-credentials.txt"
    first = demo.read_credentials(path)
    path.unlink()
    with pytest.raises(CommandError, match="make clean"):
        load()
    for email, values in first.items():
        assert User.objects.get(email=email).check_password(values["password"])
    assert not path.exists()


def test_a_demo_person_can_sign_in_with_the_file_and_demo_totp(tmp_path) -> None:
    load()
    email = "org-admin@demo.plainsight.test"
    password = demo.read_credentials(tmp_path / "demo-credentials.txt")[email]["password"]
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response["Location"] == reverse("mfa_authenticate")
    out = io.StringIO()
    call_command("demo_totp", email, stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert client.post(reverse("mfa_authenticate"), {"code": code})["Location"] == "/staff/"
    assert client.get(reverse("partners_staff:home")).status_code == 200


def test_demo_data_never_loads_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        load()
    with pytest.raises(ImproperlyConfigured):
        demo.load(stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Organization.objects.exists()


def test_demo_totp_refuses_production_and_real_people(settings) -> None:
    load()
    real = User.objects.create(username="real@example.org", email="real@example.org")
    with pytest.raises(CommandError):
        call_command("demo_totp", real.email, stdout=io.StringIO())
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_totp", "analyst@demo.plainsight.test", stdout=io.StringIO())


def test_a_real_account_with_a_demo_address_is_left_alone(tmp_path) -> None:
    real = User.objects.create(
        username="analyst@demo.plainsight.test", email="analyst@demo.plainsight.test"
    )
    real.set_password("a real person's own password")
    real.save()
    load()
    real.refresh_from_db()
    assert not real.is_demo
    assert real.check_password("a real person's own password")


@pytest.mark.urls("plainsight.keys.tests.urls")
def test_every_demo_person_opens_their_keyring_after_loading_twice(tmp_path) -> None:
    load()
    load()
    path = tmp_path / "demo-credentials.txt"
    creds = demo.read_credentials(path)
    recovery_keys = demo.read_recovery_keys(path)
    for organization in Organization.objects.filter(is_demo=True):
        assert organization_keys_exist(organization=organization)
        keyring = recovery_unwrap(
            organization=organization, recovery_key=recovery_keys[organization.slug]
        )
        assert keyring.can_open(organization)
    for email, values in creds.items():
        user = User.objects.get(email=email)
        client = Client()
        sign_in(client, user, password=values["password"], totp_secret=values["totp_secret"])
        held = client.get("/held/").json()["organizations"]
        expected = {
            str(pk)
            for pk in Membership.objects.filter(user=user, is_active=True).values_list(
                "organization_id", flat=True
            )
        }
        assert set(held) == expected, email
        for organization_id in expected:
            sealed = client.post(f"/encrypt/{organization_id}/", {"text": "demo note"}).json()
            assert client.post(f"/decrypt/{organization_id}/", sealed).json() == {
                "text": "demo note"
            }
