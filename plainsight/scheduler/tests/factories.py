"""Factories for the scheduler tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from plainsight.accounts.models import User
from plainsight.partners.models import Membership, Organization, OrganizationKind, Role
from plainsight.scheduler.models import AlertKind, PeriodicRun, SystemAlert


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"scheduler-person-{n}")
    email = factory.Sequence(lambda n: f"scheduler-person-{n}@example.org")
    password = factory.django.Password(None)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Scheduler test organization {n}")
    slug = factory.Sequence(lambda n: f"scheduler-org-{n}")
    kind = OrganizationKind.COALITION


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CASE_MANAGER


class PeriodicRunFactory(factory.django.DjangoModelFactory[PeriodicRun]):
    class Meta:
        model = PeriodicRun

    job = "audit.verify_chain"
    scheduled_for = factory.Sequence(lambda n: timezone.now() - timedelta(days=n + 1))


class SystemAlertFactory(factory.django.DjangoModelFactory[SystemAlert]):
    class Meta:
        model = SystemAlert

    kind = AlertKind.AUDIT_CHAIN_BROKEN
    details = "Audit chain FAILED: 1 problem(s) in 3 events checked."
