"""Demo people of the Kern deployment: one per role, with two factors ready, and the
keys of their demo organizations.

Passwords, TOTP secrets and the demo organizations' recovery keys are random per
installation, generated once and kept in ``var/demo-credentials.txt`` (git-ignored),
which is read back on every load so the load is idempotent. People are created through
the real services (invitation, then the one-time link), so demo accounts go through the
same code paths as real ones; each demo organization gets its keys, wrapped under its
demo people's passwords, from ``plainsight.keys.demo_support.demo_keys_ensure``.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import CommandError

from plainsight.accounts import services
from plainsight.accounts.models import User
from plainsight.audit.services import audit_record
from plainsight.keys.demo_support import demo_keys_ensure
from plainsight.keys.errors import KeysError
from plainsight.partners.demo import ensure_organizations, refuse_in_production
from plainsight.partners.models import Membership, Organization, Role

DEMO_DOMAIN = "demo.plainsight.test"


@dataclass(frozen=True)
class DemoPerson:
    role: str
    organization: str  # key in plainsight.partners.demo.ORGANIZATIONS
    is_mandated_reporter: bool = False
    training_hours: Decimal = Decimal(0)
    has_degree_or_license: bool = False
    trafficking_months: int = 0
    supervisor_role: str | None = None

    @property
    def email(self) -> str:
        return f"{self.role.replace('_', '-')}@{DEMO_DOMAIN}"


# In creation order (a supervisor before the people they supervise).
PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(Role.PLATFORM_ADMIN, "coalition"),
    DemoPerson(Role.ORG_ADMIN, "coalition"),
    DemoPerson(Role.COORDINATOR, "coalition"),
    DemoPerson(Role.INTAKE_ADVOCATE, "coalition", training_hours=Decimal(12)),
    DemoPerson(
        Role.SUPERVISOR,
        "victim_services",
        training_hours=Decimal(60),
        has_degree_or_license=True,
        trafficking_months=48,
    ),
    DemoPerson(
        Role.CASE_MANAGER,
        "victim_services",
        training_hours=Decimal(40),
        supervisor_role=Role.SUPERVISOR,
    ),
    DemoPerson(Role.ANALYST, "family_justice_center"),
    DemoPerson(Role.PREVENTION_EDUCATOR, "school_partner", is_mandated_reporter=True),
)


def credentials_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-credentials.txt"


_LINE = re.compile(r"^(email|password|totp_secret):\s*(\S+)\s*$")
_KEY_LINE = re.compile(r"^(organization|recovery_key):\s*(\S+)\s*$")


def read_credentials(path: Path) -> dict[str, dict[str, str]]:
    """email -> {"password": ..., "totp_secret": ...} from a credentials file."""
    found: dict[str, dict[str, str]] = {}
    if not path.exists():
        return found
    current: dict[str, str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "email":
            current = found.setdefault(value.lower(), {})
        elif current is not None:
            current[key] = value
    return found


def read_recovery_keys(path: Path) -> dict[str, str]:
    """organization slug -> recovery key, from a credentials file."""
    found: dict[str, str] = {}
    if not path.exists():
        return found
    slug: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _KEY_LINE.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "organization":
            slug = value
        elif slug is not None:
            found[slug] = value
            slug = None
    return found


def _write_credentials(
    path: Path,
    rows: list[tuple[DemoPerson, User, str, dict[str, str]]],
    recovery_keys: list[tuple[Organization, str]],
) -> None:
    lines = [
        "# PlainSight demo people: for trying PlainSight on this computer only.",
        "# Written by `manage.py demo_load`. The passwords are random for this installation.",
        "#",
        "# Sign in at /staff/ with an email and password below. For the second step, either",
        "# add the TOTP secret to an authenticator app, or run",
        "#     .venv/bin/python manage.py demo_totp <email>",
        "# which prints the current six-digit code. A code works only once for a person: to",
        "# sign in again as the same person, wait for the next code (every 30 seconds).",
        "",
    ]
    for person, user, organization_name, creds in rows:
        lines += [
            f"[{person.role}] {Role(person.role).label} · {organization_name}",
            f"email: {user.email}",
            f"password: {creds['password']}",
            f"totp_secret: {creds['totp_secret']}",
            "",
        ]
    lines += [
        "# Recovery keys of the demo organizations. A real organization's recovery key is",
        "# shown once and kept on paper, offline (docs/runbooks/keys.md); these are here so",
        "# you can try the runbook, e.g.",
        "#     .venv/bin/python manage.py keys_recover <organization> <email>",
        "",
    ]
    for organization, recovery_key in recovery_keys:
        lines += [
            f"[keys] {organization.name}",
            f"organization: {organization.slug}",
            f"recovery_key: {recovery_key}",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def _ensure_password(person: DemoPerson, user: User, password: str) -> User:
    """The person with ``password`` (reset through the real services if it changed; the
    reset drops their old key copies, which ``_ensure_keys`` then gives back)."""
    if user.has_usable_password() and user.check_password(password):
        return user
    issued = services.account_access_reset(actor=None, user=user)
    return services.account_password_set_from_token(token=issued.token, new_password=password)


def _ensure_totp(user: User, secret: str) -> None:
    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current is not None and decrypt(current.data["secret"]) == secret:
        return
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    authenticator = TOTP.activate(user, secret).instance
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    for organization in Organization.objects.filter(memberships__user=user).distinct():
        audit_record(
            actor=None,
            action="mfa.added.totp",
            target_type="authenticator",
            target_id=authenticator.pk,
            organization=organization,
        )


def load(stdout: Any) -> None:
    refuse_in_production()
    organizations = ensure_organizations()
    path = credentials_path()
    known = read_credentials(path)
    by_role: dict[str, User] = {}
    rows: list[tuple[DemoPerson, User, str, dict[str, str]]] = []
    for person in PEOPLE:
        organization = organizations[person.organization]
        creds = known.get(person.email, {})
        creds.setdefault("password", secrets.token_urlsafe(15))
        creds.setdefault("totp_secret", generate_totp_secret())
        user = User.objects.filter(email__iexact=person.email).first()
        if user is not None and not user.is_demo:
            stdout.write(f"Skipped {person.email}: a real account uses this address.")
            continue
        if user is None:
            supervisor = by_role.get(person.supervisor_role) if person.supervisor_role else None
            issued = services.account_invite(
                actor=None,
                organization=organization,
                email=person.email,
                first_name="Demo",
                last_name=str(Role(person.role).label),
                roles=[person.role],
                is_mandated_reporter=person.is_mandated_reporter,
                caseworker_training_hours=person.training_hours,
                caseworker_supervisor=supervisor,
                caseworker_has_degree_or_license=person.has_degree_or_license,
                caseworker_trafficking_months=person.trafficking_months,
            )
            user = issued.user
            user.is_demo = True
            user.save(update_fields=["is_demo"])
            user = services.account_password_set_from_token(
                token=issued.token, new_password=creds["password"]
            )
        else:
            if not user.is_active:
                user.is_active = True
                user.save(update_fields=["is_active"])
            membership, created = Membership.objects.get_or_create(
                user=user, organization=organization, role=person.role
            )
            if created or not membership.is_active:
                membership.is_active = True
                membership.save(update_fields=["is_active"])
                audit_record(
                    actor=None,
                    action="membership.role_added",
                    target_type="membership",
                    target_id=membership.pk,
                    organization=organization,
                )
            user = _ensure_password(person, user, creds["password"])
        _ensure_totp(user, creds["totp_secret"])
        by_role[person.role] = user
        rows.append((person, user, organization.name, creds))
    recovery_keys = _ensure_keys(organizations, rows, read_recovery_keys(path))
    _write_credentials(path, rows, recovery_keys)
    stdout.write(f"Demo people: {len(rows)} (credentials in {path})")


def _ensure_keys(
    organizations: dict[str, Organization],
    rows: list[tuple[DemoPerson, User, str, dict[str, str]]],
    known: dict[str, str],
) -> list[tuple[Organization, str]]:
    """Keys for every demo organization, wrapped under its demo people's passwords."""
    recovery_keys: list[tuple[Organization, str]] = []
    for key, organization in organizations.items():
        passwords = {
            user: creds["password"]
            for person, user, _name, creds in rows
            if person.organization == key
        }
        try:
            recovery_key = demo_keys_ensure(
                organization=organization,
                passwords=passwords,
                recovery_key=known.get(organization.slug),
            )
        except KeysError:
            raise CommandError(
                f"Nobody can open the keys of the demo organization {organization.slug!r} any"
                " more: its recovery key and its people's passwords were in the demo"
                " credentials file, which is gone or was changed. That is what key custody"
                " promises. Start the demo over: `make clean` (deletes var/, the demo"
                " database included), then `make run`."
            ) from None
        if recovery_key:
            recovery_keys.append((organization, recovery_key))
    return recovery_keys
