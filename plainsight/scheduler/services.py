"""Writes of the scheduler: enqueuing due runs, recording their outcome, raising alerts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from plainsight.audit.services import audit_record
from plainsight.scheduler.jobs import PeriodicJob, registered_jobs
from plainsight.scheduler.models import AlertKind, PeriodicRun, RunStatus, SystemAlert

if TYPE_CHECKING:
    from plainsight.accounts.models import User

logger = logging.getLogger("plainsight.scheduler")


def periodic_run_enqueue(*, job: PeriodicJob, scheduled_for: datetime) -> PeriodicRun | None:
    """Claim one slot of ``job`` and enqueue its task; None if another process already has.

    The run row and the task row are written in one transaction: both exist or
    neither does. On PostgreSQL a competing insert of the same slot waits for this
    transaction and then fails on the unique constraint, so exactly one scheduler
    enqueues each slot.
    """
    from plainsight.scheduler.tasks import periodic_run_execute

    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(job=job.name, scheduled_for=scheduled_for)
            result = periodic_run_execute.enqueue(run.pk)
            run.task_result_id = str(result.id)
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return None
    logger.info(
        "Enqueued periodic job %s for %s (run %s)", job.name, scheduled_for.isoformat(), run.pk
    )
    return run


def periodic_runs_enqueue_due(
    *, now: datetime | None = None, jobs: Iterable[PeriodicJob] | None = None
) -> list[PeriodicRun]:
    """One scheduler tick: enqueue the latest slot of every job not enqueued yet."""
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs() if jobs is None else jobs:
        slot = job.schedule.latest_slot(now)
        if PeriodicRun.objects.filter(job=job.name, scheduled_for=slot).exists():
            continue
        run = periodic_run_enqueue(job=job, scheduled_for=slot)
        if run is not None:
            enqueued.append(run)
    return enqueued


def periodic_run_start(*, run_id: int) -> PeriodicRun | None:
    """Mark a pending run as running; None if it is not pending (so it never runs twice)."""
    with transaction.atomic():
        run = PeriodicRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.PENDING:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
        return run


def periodic_run_finish(*, run: PeriodicRun, succeeded: bool) -> PeriodicRun:
    run.status = RunStatus.SUCCEEDED if succeeded else RunStatus.FAILED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def system_alert_raise(*, kind: AlertKind, subject: str = "", details: str = "") -> SystemAlert:
    """Open an alert for platform admins, or count one more occurrence of the open one.

    Logs an ERROR every time. A new alert is also e-mailed (after commit) to
    settings.PLAINSIGHT_ALERT_EMAILS when that list is set. ``subject`` and
    ``details`` are technical and must never carry record content.
    """
    now = timezone.now()
    logger.error(
        "System alert %s%s:\n%s", kind.value, f" ({subject})" if subject else "", details or "-"
    )
    for _attempt in range(2):
        try:
            with transaction.atomic():
                alert = (
                    SystemAlert.objects.select_for_update()
                    .filter(kind=kind, subject=subject, resolved_at__isnull=True)
                    .first()
                )
                if alert is not None:
                    SystemAlert.objects.filter(pk=alert.pk).update(
                        occurrences=F("occurrences") + 1, last_seen_at=now, details=details
                    )
                    alert.refresh_from_db()
                    return alert
                alert = SystemAlert.objects.create(
                    kind=kind, subject=subject, details=details, raised_at=now, last_seen_at=now
                )
                audit_record(
                    actor=None,
                    action="system_alert.raised",
                    target_type="system_alert",
                    target_id=alert.pk,
                )
                transaction.on_commit(partial(_email_alert, alert))
                return alert
        except IntegrityError:
            # Another process opened the same alert a moment ago: count it there.
            continue
    raise RuntimeError("could not record the system alert")  # pragma: no cover


def system_alert_resolve(*, alert: SystemAlert, actor: User) -> SystemAlert:
    """Mark an alert resolved by ``actor`` (a platform admin: the view checks). Idempotent."""
    with transaction.atomic():
        locked = SystemAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.resolved_at is not None:
            return locked
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.save(update_fields=["resolved_at", "resolved_by"])
        audit_record(
            actor=actor,
            action="system_alert.resolved",
            target_type="system_alert",
            target_id=locked.pk,
        )
        return locked


def _email_alert(alert: SystemAlert) -> None:
    recipients = list(settings.PLAINSIGHT_ALERT_EMAILS)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = str(alert.get_kind_display())
        subject = f"[{settings.PLAINSIGHT_SITE_NAME}] {title}"
        body = "\n\n".join(
            part
            for part in (
                title + (f" ({alert.subject})" if alert.subject else ""),
                f"Raised at {alert.raised_at.isoformat()}.",
                alert.details,
                "Platform admins see this alert on the staff home page until one of them"
                " marks it resolved. What to do: docs/runbooks/audit.md.",
            )
            if part
        )
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        # The alert is recorded and logged; a broken mail set-up must not hide it.
        logger.exception("Could not e-mail system alert %s", alert.pk)
