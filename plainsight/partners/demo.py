"""Demo organizations of the Kern deployment (clearly marked, never in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from plainsight.partners.models import Organization, OrganizationKind
from plainsight.partners.services import organization_create

DEMO_SUFFIX = " (demo)"

# (key, name, kind, counties)
ORGANIZATIONS: tuple[tuple[str, str, str, list[str]], ...] = (
    (
        "coalition",
        "Kern Coalition Against Human Trafficking" + DEMO_SUFFIX,
        OrganizationKind.COALITION,
        ["Kern"],
    ),
    (
        "victim_services",
        "Alliance Against Family Violence & Sexual Assault" + DEMO_SUFFIX,
        OrganizationKind.VICTIM_SERVICES,
        ["Kern"],
    ),
    (
        "tribal_program",
        "Tejon Indian Tribe Community Advocacy Program" + DEMO_SUFFIX,
        OrganizationKind.TRIBAL_PROGRAM,
        ["Kern"],
    ),
    (
        "family_justice_center",
        "Kern County Family Justice Center" + DEMO_SUFFIX,
        OrganizationKind.FAMILY_JUSTICE_CENTER,
        ["Kern"],
    ),
    (
        "school_partner",
        "Kern Schools Prevention Partnership" + DEMO_SUFFIX,
        OrganizationKind.SCHOOL_PARTNER,
        ["Kern"],
    ),
)


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded under production settings.")


def ensure_organizations() -> dict[str, Organization]:
    """The demo organizations by key, created once (idempotent)."""
    refuse_in_production()
    found: dict[str, Organization] = {}
    for key, name, kind, counties in ORGANIZATIONS:
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            organization = organization_create(
                actor=None, name=name, kind=kind, service_counties=counties, is_demo=True
            )
        found[key] = organization
    return found


def load(stdout: Any) -> None:
    organizations = ensure_organizations()
    stdout.write(f"Demo organizations: {len(organizations)}")
