"""Factories for the scheduler tests (people and organizations: accounts' and partners')."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from plainsight.scheduler.models import AlertKind, PeriodicRun, SystemAlert


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
