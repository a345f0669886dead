"""The daily purge of expired one-time links' keys, as the scheduler runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from plainsight.accounts.tests.factories import UserFactory
from plainsight.audit.models import AuditEvent
from plainsight.keys.jobs import expired_links_purge
from plainsight.keys.models import PendingGrant
from plainsight.keys.services import pending_grant_create
from plainsight.partners.tests.factories import MembershipFactory
from plainsight.scheduler.jobs import job_get
from plainsight.scheduler.schedules import Daily

pytestmark = pytest.mark.django_db


def test_the_job_is_scheduled_daily() -> None:
    job = job_get("keys.purge_expired_links")
    assert job.function == "plainsight.keys.jobs.expired_links_purge"
    assert isinstance(job.schedule, Daily)


def test_expired_links_lose_their_keys_and_live_ones_stay(organization, provisioned) -> None:
    expired, live = UserFactory.create(), UserFactory.create()
    for person in (expired, live):
        MembershipFactory.create(user=person, organization=organization)
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=4)):
        pending_grant_create(keyring=provisioned.keyring, organization=organization, user=expired)
    pending_grant_create(keyring=provisioned.keyring, organization=organization, user=live)
    assert expired_links_purge() == {"purged": 1}
    assert list(PendingGrant.objects.values_list("user_id", flat=True)) == [live.pk]
    assert AuditEvent.objects.filter(action="keys.pending_grant_expired").count() == 1
    assert expired_links_purge() == {"purged": 0}  # running twice is harmless
