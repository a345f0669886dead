"""Periodic jobs of the audit log (registered in plainsight/scheduler/jobs.py)."""

from __future__ import annotations

import logging

from plainsight.audit.chain import chain_verify
from plainsight.scheduler.models import AlertKind
from plainsight.scheduler.services import system_alert_raise

logger = logging.getLogger("plainsight.audit")


def audit_chain_check() -> dict[str, object]:
    """Verify the whole chain; on failure alert platform admins (banner, log, e-mail).

    On success the anchor (newest event's number and hash) is logged: shipped off
    the server with the logs, it lets ``audit_verify --anchor`` expose a later
    rewrite of history. Read-only apart from the alert, so running it twice is harmless.
    """
    report = chain_verify()
    if report.ok:
        logger.info(
            "Audit chain verified: %d event(s); anchor %s", report.events_checked, report.anchor
        )
    else:
        system_alert_raise(kind=AlertKind.AUDIT_CHAIN_BROKEN, details=report.summary(limit=20))
    return {
        "ok": report.ok,
        "events_checked": report.events_checked,
        "problems": report.problem_count,
        "anchor": report.anchor,
    }
