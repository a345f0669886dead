"""Factories for the audit tests (people and organizations are only referenced by id)."""

from __future__ import annotations

import factory

from plainsight.accounts.models import User
from plainsight.partners.models import Organization, OrganizationKind


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"audit-person-{n}")
    email = factory.Sequence(lambda n: f"audit-person-{n}@example.org")
    password = factory.django.Password(None)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Audit test organization {n}")
    slug = factory.Sequence(lambda n: f"audit-org-{n}")
    kind = OrganizationKind.OTHER
