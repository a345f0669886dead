"""Only platform admins see alerts and late jobs; late means no recent success."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory
from plainsight.scheduler.jobs import registered_jobs
from plainsight.scheduler.models import RunStatus
from plainsight.scheduler.selectors import (
    can_see_system_alerts,
    late_jobs_for,
    system_alerts_open_for,
)
from plainsight.scheduler.tests.factories import PeriodicRunFactory, SystemAlertFactory

pytestmark = pytest.mark.django_db


def test_only_active_platform_admins_see_alerts(platform_admin, case_manager):
    inactive = MembershipFactory.create(role=Role.PLATFORM_ADMIN, is_active=False).user
    closed_org = MembershipFactory.create(
        role=Role.PLATFORM_ADMIN, organization__is_active=False
    ).user

    assert can_see_system_alerts(user=platform_admin)
    assert not can_see_system_alerts(user=case_manager)
    assert not can_see_system_alerts(user=inactive)
    assert not can_see_system_alerts(user=closed_org)
    assert not can_see_system_alerts(user=AnonymousUser())


def test_open_alerts_newest_first(platform_admin, case_manager):
    old = SystemAlertFactory.create(raised_at=timezone.now() - timedelta(days=2))
    new = SystemAlertFactory.create(kind="periodic_job_failed", subject="x")
    SystemAlertFactory.create(subject="done", resolved_at=timezone.now())

    assert system_alerts_open_for(user=platform_admin) == [new, old]
    assert system_alerts_open_for(user=case_manager) == []


def test_selectors_cost_a_bounded_number_of_queries(platform_admin, django_assert_num_queries):
    for n in range(3):
        SystemAlertFactory.create(kind="periodic_job_failed", subject=f"job.{n}")
    with django_assert_num_queries(2):
        system_alerts_open_for(user=platform_admin)
    with django_assert_num_queries(2):
        late_jobs_for(user=platform_admin)


def test_a_job_that_never_succeeded_is_late(platform_admin):
    late = late_jobs_for(user=platform_admin)

    assert {job.name for job in late} == {job.name for job in registered_jobs()}
    assert all(job.last_success is None for job in late)


def test_a_recent_success_is_not_late_an_old_one_is(platform_admin):
    now = timezone.now()
    for job in registered_jobs():
        PeriodicRunFactory.create(
            job=job.name, status=RunStatus.SUCCEEDED, finished_at=now - timedelta(hours=1)
        )
    assert late_jobs_for(user=platform_admin, now=now) == []

    audit_job = next(job for job in registered_jobs() if job.name == "audit.verify_chain")
    later = now + audit_job.late_after
    late = late_jobs_for(user=platform_admin, now=later)
    # By then, the audit check and every job allowed no longer than it are late.
    expected = {job.name for job in registered_jobs() if job.late_after <= audit_job.late_after}
    assert {job.name for job in late} == expected
    audit_late = next(job for job in late if job.name == "audit.verify_chain")
    assert audit_late.last_success == now - timedelta(hours=1)
    assert len(expected) < len(registered_jobs())  # the others are not late yet


def test_failed_runs_do_not_count_as_success(platform_admin):
    now = timezone.now()
    PeriodicRunFactory.create(job="audit.verify_chain", status=RunStatus.FAILED, finished_at=now)

    assert "audit.verify_chain" in {job.name for job in late_jobs_for(user=platform_admin)}


def test_others_see_no_late_jobs(case_manager):
    assert late_jobs_for(user=case_manager) == []
