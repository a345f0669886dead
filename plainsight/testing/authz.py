"""The authorization matrix: its test world and the registry of sample objects.

``tests/test_authorization_matrix.py`` checks every URL under ``/staff/`` (and
``/api/``) for anonymous, wrong-role, wrong-organization and right-role access, using
the access policy each view declares (``plainsight.accounts.access``).

A URL with parameters needs an object to point at. THE ONE PLACE TO ADD YOURS is your
app's ``plainsight/<app>/tests/authz.py``, discovered automatically::

    from plainsight.testing.authz import World, sample

    @sample("cases:case_detail")
    def case_of_organization_a(world: World) -> dict[str, object]:
        case = CaseFactory(organization=world.org_a)
        return {"case_id": case.pk}

Rules for builders: the object belongs to ``world.org_a`` (people of ``world.org_b``
must then get 404 or 403); for views about one's own objects (``Scope.OWN``), the
object belongs to ``world.owner``. Return the URL's keyword arguments.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.test import Client

SampleBuilder = Callable[["World"], dict[str, Any]]
SAMPLES: dict[str, SampleBuilder] = {}


def sample(*url_names: str) -> Callable[[SampleBuilder], SampleBuilder]:
    """Register a builder of URL kwargs for the named URLs ("namespace:name")."""

    def register(builder: SampleBuilder) -> SampleBuilder:
        for name in url_names:
            if name in SAMPLES and SAMPLES[name] is not builder:
                raise ValueError(f"two sample builders for {name}")
            SAMPLES[name] = builder
        return builder

    return register


def discover_samples() -> dict[str, SampleBuilder]:
    """Import every ``plainsight.<app>.tests.authz`` module, filling :data:`SAMPLES`."""
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("plainsight."):
            continue
        module = f"{app_config.name}.tests.authz"
        try:
            import_module(module)
        except ModuleNotFoundError as error:
            if error.name not in (module, f"{app_config.name}.tests"):
                raise
    return SAMPLES


@dataclass
class World:
    """Two organizations, one person per role in each, all with a second factor."""

    org_a: Any
    org_b: Any
    people: dict[tuple[str, str], Any] = field(default_factory=dict)
    outsider: Any = None  # signed in, but no role in any organization

    def person(self, role: str, side: str = "a") -> Any:
        return self.people[(role, side)]

    @property
    def owner(self) -> Any:
        """Whose own objects ``Scope.OWN`` samples belong to."""
        from plainsight.partners.models import Role

        return self.person(Role.CASE_MANAGER, "a")


def build_world() -> World:
    from plainsight.accounts.tests.factories import UserFactory, enrol_totp
    from plainsight.partners.models import Membership, Role
    from plainsight.partners.tests.factories import OrganizationFactory

    world = World(
        org_a=OrganizationFactory.create(name="Organization A"),
        org_b=OrganizationFactory.create(name="Organization B"),
    )
    for side, organization in (("a", world.org_a), ("b", world.org_b)):
        for role in Role.values:
            person = UserFactory.create(email=f"{role}.{side}@example.org")
            Membership.objects.create(user=person, organization=organization, role=role)
            enrol_totp(person)
            world.people[(role, side)] = person
    world.outsider = UserFactory.create(email="outsider@example.org")
    enrol_totp(world.outsider)
    return world


def mark_reauthenticated(client: Client, user: Any) -> None:
    """Make the client's session look freshly re-authenticated (as allauth records it)."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
