"""Keeping the directory true: reports from the public and the verification log.

Listing data itself lives in the directory's HSDS tables; beds available are HSDS
``service_capacity`` rows. Nothing here identifies who sent a report: no account, no
IP address, no browser details.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plainsight.directory.models import VerificationMethod


class ProblemKind(models.TextChoices):
    PHONE = "phone", _("A phone number is wrong")
    ADDRESS = "address", _("The address or directions are wrong")
    HOURS = "hours", _("The hours are wrong")
    CLOSED = "closed", _("The service has closed or moved")
    SERVICES = "services", _("What they offer or who they help is wrong")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProblemReport(models.Model):
    """ "Report a problem with this listing", sent by anyone, reviewed by staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="problem_reports"
    )
    kind = models.CharField(_("what is wrong"), max_length=16, choices=ProblemKind.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [
            models.Index(fields=["status", "created_at"], name="upkeep_report_queue"),
            # The last hour's reports, counted against the limits at each new one.
            models.Index(fields=["created_at"], name="upkeep_report_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="upkeep_report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProblemKind.values), name="upkeep_report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.PENDING) | Q(moderated_at__isnull=False),
                name="upkeep_report_reviewed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class VerificationLog(models.Model):
    """Each time someone confirmed a listing is right: when, how, by whom."""

    id = models.BigAutoField(primary_key=True)
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="verification_log"
    )
    verified_on = models.DateField(_("verified on"))
    method = models.CharField(_("how"), max_length=24, choices=VerificationMethod.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-verified_on", "-recorded_at"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=VerificationMethod.values),
                name="upkeep_verification_method_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.verified_on}"
