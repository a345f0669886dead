"""Sample objects for the authorization matrix: the Admin area."""

from __future__ import annotations

from typing import Any

from plainsight.partners.models import Role
from plainsight.testing.authz import World, sample


@sample(
    "partners_staff:organization",
    "partners_staff:organization_edit",
    "partners_staff:organization_deactivate",
    "partners_staff:person_invite",
    "partners_staff:recovery_key_replace",
    "partners_staff:audit_log",
)
def organization_a(world: World) -> dict[str, Any]:
    return {"organization_id": world.org_a.pk}


@sample(
    "partners_staff:person",
    "partners_staff:person_facts",
    "partners_staff:person_deactivate",
    "partners_staff:person_reset",
)
def person_of_organization_a(world: World) -> dict[str, Any]:
    return {"organization_id": world.org_a.pk, "person_id": world.person(Role.CASE_MANAGER).pk}
