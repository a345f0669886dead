"""The audit log: append-only, hash-chained events. Never sensitive content.

The database refuses UPDATE, DELETE and TRUNCATE on ``AuditEvent`` and DELETE/TRUNCATE
on ``AuditChainHead`` (triggers created in migration 0003, checked by ``audit_verify``).
On SQLite, any later migration that alters one of these tables rebuilds it and thereby
drops its triggers: such a migration must re-create them (see 0003), and the protection
tests fail until it does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which object, when. Each row's hash covers the previous row's.

    ``seq`` numbers events 1, 2, 3… in chain order, so a missing event is named, not
    just noticed. Foreign keys are kept without database constraints: deleting a
    person or an organization must never rewrite history, and the database refuses
    updates anyway.
    """

    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["organization", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive"),
            # A linear chain has each predecessor exactly once: two writers that read
            # the same head cannot both commit, so the chain can never fork.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.seq} {self.occurred_at:%Y-%m-%d %H:%M} {self.action} "
            f"{self.target_type}:{self.target_id}"
        )


class AuditChainHead(models.Model):
    """The newest event's number and hash, in a single row.

    Every append locks this row first, so concurrent writers extend one chain; and
    ``audit_verify`` compares the end of the chain with it, so deleting the newest
    events is detected too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.last_hash}"
