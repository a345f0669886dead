"""The nightly audit check: quiet when the chain holds, loud when it does not."""

from __future__ import annotations

import logging

import pytest

from plainsight.audit.jobs import audit_chain_check
from plainsight.audit.models import AuditEvent
from plainsight.audit.protection import protection_suspended
from plainsight.audit.services import audit_record
from plainsight.scheduler.models import AlertKind, SystemAlert

pytestmark = pytest.mark.django_db


def _write(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="case.viewed", target_type="case", target_id=n)
        for n in range(1, count + 1)
    ]


def test_a_sound_chain_logs_its_anchor_and_raises_nothing(caplog):
    events = _write(3)
    caplog.set_level(logging.INFO, logger="plainsight.audit")

    result = audit_chain_check()

    assert result == {
        "ok": True,
        "events_checked": 3,
        "problems": 0,
        "anchor": f"3:{events[-1].hash}",
    }
    assert f"anchor 3:{events[-1].hash}" in caplog.text
    assert not SystemAlert.objects.exists()


def test_a_broken_chain_alerts_platform_admins_and_emails(
    settings, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    settings.PLAINSIGHT_ALERT_EMAILS = ["ops@example.org"]
    _write(3)
    with protection_suspended(reason="test: tamper before the nightly check"):
        AuditEvent.objects.filter(seq=2).update(target_id="7")

    with django_capture_on_commit_callbacks(execute=True):
        result = audit_chain_check()

    assert result["ok"] is False
    alert = SystemAlert.objects.get(kind=AlertKind.AUDIT_CHAIN_BROKEN)
    assert "Event #2 was changed after it was written." in alert.details
    assert any(r.levelname == "ERROR" for r in caplog.records)
    assert len(mailoutbox) == 1
    assert "Event #2 was changed" in mailoutbox[0].body


def test_a_chain_still_broken_the_next_night_keeps_one_alert(django_capture_on_commit_callbacks):
    _write(2)
    with protection_suspended(reason="test: tamper"):
        AuditEvent.objects.filter(seq=2).delete()

    audit_chain_check()
    audit_chain_check()

    alert = SystemAlert.objects.get()
    assert alert.occurrences == 2
