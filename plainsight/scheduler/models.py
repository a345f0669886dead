"""Periodic runs (one row per job and time slot) and the alerts platform admins must see."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class PeriodicRun(models.Model):
    """One occurrence of a periodic job: "the audit check of 03:15 on 2 March".

    The unique (job, scheduled_for) pair is what lets any number of schedulers run
    at once: each tries to insert the row, the database lets exactly one succeed, and
    only that one enqueues the task (in the same transaction).
    """

    job = models.CharField(_("job"), max_length=100)
    scheduled_for = models.DateTimeField(_("scheduled for"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The django-tasks-db result row that carries it (kept as text: results are pruned).
    task_result_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "job"]
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scheduled_for"], name="periodic_run_once_per_slot"
            )
        ]
        indexes = [models.Index(fields=["job", "status", "-finished_at"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M} ({self.status})"


class AlertKind(models.TextChoices):
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", _("The audit log failed its integrity check")
    PERIODIC_JOB_FAILED = "periodic_job_failed", _("A scheduled job failed")


class SystemAlert(models.Model):
    """Something a platform admin must look at, until one of them marks it resolved.

    At most one open alert per (kind, subject): a problem found again every night
    bumps ``occurrences`` and ``last_seen_at`` instead of piling up. ``details`` is
    technical text for the runbook (event numbers, job names), never record content.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=AlertKind.choices)
    subject = models.CharField(_("about"), max_length=100, blank=True)
    details = models.TextField(_("technical details"), blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    occurrences = models.PositiveIntegerField(_("times seen"), default=1)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("system alert")
        verbose_name_plural = _("system alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=models.Q(resolved_at__isnull=True),
                name="system_alert_one_open_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}".strip()

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
