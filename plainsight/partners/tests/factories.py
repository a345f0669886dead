"""Factories for organizations and memberships, for every app's tests."""

from __future__ import annotations

import factory

from plainsight.partners.models import Membership, Organization, OrganizationKind, Role


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner organization {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = OrganizationKind.VICTIM_SERVICES
    service_counties = factory.LazyFunction(lambda: ["Kern"])


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory("plainsight.accounts.tests.factories.UserFactory")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CASE_MANAGER
