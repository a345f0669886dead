"""Scheduler writes: each slot enqueued once, runs marked once, alerts raised and resolved."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from plainsight.audit.models import AuditEvent
from plainsight.scheduler.jobs import PeriodicJob, registered_jobs
from plainsight.scheduler.models import AlertKind, PeriodicRun, RunStatus, SystemAlert
from plainsight.scheduler.schedules import Daily, Every
from plainsight.scheduler.services import (
    periodic_run_enqueue,
    periodic_run_finish,
    periodic_run_start,
    periodic_runs_enqueue_due,
    system_alert_raise,
    system_alert_resolve,
)
from plainsight.scheduler.tests.factories import PeriodicRunFactory
from plainsight.testing.processes import postgres_only

NIGHTLY = PeriodicJob(
    name="test.nightly",
    label=_("A test job"),
    function="plainsight.scheduler.tests.worker_tasks.job_that_succeeds",
    schedule=Daily(at=time(3, 15)),
    late_after=timedelta(hours=30),
)
HOURLY = PeriodicJob(
    name="test.hourly",
    label=_("Another test job"),
    function="plainsight.scheduler.tests.worker_tasks.job_that_succeeds",
    schedule=Every(interval=timedelta(hours=1)),
    late_after=timedelta(hours=3),
)
NOW = datetime(2026, 6, 10, 18, 30, tzinfo=UTC)  # 11:30 in Los Angeles


@pytest.mark.django_db
def test_due_jobs_are_enqueued_with_their_task():
    runs = periodic_runs_enqueue_due(now=NOW, jobs=[NIGHTLY, HOURLY])

    assert {(run.job, run.scheduled_for) for run in runs} == {
        ("test.nightly", datetime(2026, 6, 10, 10, 15, tzinfo=UTC)),
        ("test.hourly", datetime(2026, 6, 10, 18, 0, tzinfo=UTC)),
    }
    for run in runs:
        result = DBTaskResult.objects.get(pk=run.task_result_id)
        assert result.task_path == "plainsight.scheduler.tasks.periodic_run_execute"
        # The task carries the run's id and nothing else.
        assert result.args_kwargs == {"args": [run.pk], "kwargs": {}}
        assert run.status == RunStatus.PENDING


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_however_often_the_scheduler_ticks():
    periodic_runs_enqueue_due(now=NOW, jobs=[NIGHTLY, HOURLY])

    again = periodic_runs_enqueue_due(now=NOW + timedelta(minutes=20), jobs=[NIGHTLY, HOURLY])

    assert again == []
    assert PeriodicRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_the_next_slot_is_enqueued_when_it_comes():
    periodic_runs_enqueue_due(now=NOW, jobs=[NIGHTLY, HOURLY])

    later = periodic_runs_enqueue_due(now=NOW + timedelta(hours=1), jobs=[NIGHTLY, HOURLY])

    assert [run.job for run in later] == ["test.hourly"]


@pytest.mark.django_db
def test_a_scheduler_that_was_down_catches_up_with_the_latest_slot_only():
    periodic_runs_enqueue_due(now=NOW, jobs=[HOURLY])

    later = periodic_runs_enqueue_due(now=NOW + timedelta(hours=5), jobs=[HOURLY])

    assert [run.scheduled_for for run in later] == [datetime(2026, 6, 10, 23, 0, tzinfo=UTC)]


@pytest.mark.django_db
def test_claiming_a_slot_already_claimed_enqueues_nothing():
    slot = datetime(2026, 6, 10, 10, 15, tzinfo=UTC)
    assert periodic_run_enqueue(job=NIGHTLY, scheduled_for=slot) is not None

    assert periodic_run_enqueue(job=NIGHTLY, scheduled_for=slot) is None
    assert PeriodicRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_run_and_task_are_rolled_back_together():
    with pytest.raises(RuntimeError), transaction.atomic():
        periodic_runs_enqueue_due(now=NOW, jobs=[NIGHTLY])
        raise RuntimeError("the scheduler died mid-tick")

    assert not PeriodicRun.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_registered_jobs_point_at_real_functions():
    from django.utils.module_loading import import_string

    names = [job.name for job in registered_jobs()]
    assert len(names) == len(set(names))
    assert "audit.verify_chain" in names
    for job in registered_jobs():
        assert callable(import_string(job.function))
        assert len(job.name) <= (PeriodicRun._meta.get_field("job").max_length or 0)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_schedulers_racing_on_postgres_enqueue_each_slot_once():
    racers = 6
    barrier = threading.Barrier(racers)
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            barrier.wait(timeout=30)
            periodic_runs_enqueue_due(now=NOW, jobs=[NIGHTLY, HOURLY])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert PeriodicRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_a_run_starts_once():
    run = PeriodicRunFactory.create()

    started = periodic_run_start(run_id=run.pk)

    assert started is not None
    assert started.status == RunStatus.RUNNING
    assert started.started_at is not None
    assert periodic_run_start(run_id=run.pk) is None
    periodic_run_finish(run=started, succeeded=True)
    assert periodic_run_start(run_id=run.pk) is None
    assert periodic_run_start(run_id=run.pk + 1000) is None


@pytest.mark.django_db
def test_finishing_records_the_outcome():
    run = periodic_run_start(run_id=PeriodicRunFactory.create().pk)
    assert run is not None

    periodic_run_finish(run=run, succeeded=False)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.finished_at is not None


@pytest.mark.django_db
def test_raising_an_alert_logs_audits_and_emails(
    settings, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    settings.PLAINSIGHT_ALERT_EMAILS = ["ops@example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        alert = system_alert_raise(
            kind=AlertKind.AUDIT_CHAIN_BROKEN, details="Audit chain FAILED: 1 problem(s)."
        )

    assert alert.is_open
    assert alert.occurrences == 1
    assert any(
        r.levelname == "ERROR" and "audit_chain_broken" in r.getMessage() for r in caplog.records
    )
    event = AuditEvent.objects.get(action="system_alert.raised")
    assert event.target_id == str(alert.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ops@example.org"]
    assert "The audit log failed its integrity check" in mailoutbox[0].subject
    assert "Audit chain FAILED: 1 problem(s)." in mailoutbox[0].body


@pytest.mark.django_db
def test_the_same_problem_again_counts_on_the_open_alert(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PLAINSIGHT_ALERT_EMAILS = ["ops@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        first = system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN, details="night 1")
        second = system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN, details="night 2")

    assert second.pk == first.pk
    assert second.occurrences == 2
    assert second.details == "night 2"
    assert SystemAlert.objects.count() == 1
    assert len(mailoutbox) == 1  # e-mailed when opened, not every night


@pytest.mark.django_db
def test_different_subjects_are_different_alerts():
    a = system_alert_raise(kind=AlertKind.PERIODIC_JOB_FAILED, subject="job.a")
    b = system_alert_raise(kind=AlertKind.PERIODIC_JOB_FAILED, subject="job.b")

    assert a.pk != b.pk


@pytest.mark.django_db
def test_no_email_without_recipients(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.PLAINSIGHT_ALERT_EMAILS = []

    with django_capture_on_commit_callbacks(execute=True):
        system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN)

    assert mailoutbox == []


@pytest.mark.django_db
def test_a_broken_mail_server_does_not_lose_the_alert(
    settings, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PLAINSIGHT_ALERT_EMAILS = ["ops@example.org"]

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr("plainsight.scheduler.services.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        alert = system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN)

    assert SystemAlert.objects.filter(pk=alert.pk).exists()
    assert "Could not e-mail system alert" in caplog.text


@pytest.mark.django_db
def test_resolving_an_alert_is_audited_and_a_new_one_can_open(platform_admin):
    alert = system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN)

    resolved = system_alert_resolve(alert=alert, actor=platform_admin)

    assert resolved.resolved_by == platform_admin
    assert resolved.resolved_at is not None
    event = AuditEvent.objects.get(action="system_alert.resolved")
    assert (event.actor_id, event.target_id) == (platform_admin.pk, str(alert.pk))
    again = system_alert_resolve(alert=alert, actor=platform_admin)
    assert again.resolved_at == resolved.resolved_at
    assert AuditEvent.objects.filter(action="system_alert.resolved").count() == 1
    reopened = system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN)
    assert reopened.pk != alert.pk
