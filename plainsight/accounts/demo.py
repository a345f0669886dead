"""Demo people of the Kern deployment: one per role, with two factors ready.

Passwords and TOTP secrets are random per installation, generated once and kept in
``var/demo-credentials.txt`` (git-ignored), which is read back on every load so the
load is idempotent. People are created through the real services (invitation, then
the one-time link), so demo accounts go through the same code paths as real ones.
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

from plainsight.accounts import services
from plainsight.accounts.models import User
from plainsight.audit.services import audit_record
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


def _write_credentials(
    path: Path, rows: list[tuple[DemoPerson, User, str, dict[str, str]]]
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
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def _ensure_password(person: DemoPerson, user: User, password: str) -> None:
    if user.has_usable_password() and user.check_password(password):
        return
    issued = services.account_access_reset(actor=None, user=user)
    services.account_password_set_from_token(token=issued.token, new_password=password)


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
            services.account_password_set_from_token(
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
            _ensure_password(person, user, creds["password"])
        _ensure_totp(user, creds["totp_secret"])
        by_role[person.role] = user
        rows.append((person, user, organization.name, creds))
    _write_credentials(path, rows)
    stdout.write(f"Demo people: {len(rows)} (credentials in {path})")
