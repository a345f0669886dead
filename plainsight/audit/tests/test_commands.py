"""manage.py audit_verify: a clear result, and a non-zero exit status on failure."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plainsight.audit.models import AuditChainHead, AuditEvent
from plainsight.audit.protection import protection_suspended
from plainsight.audit.services import audit_record
from plainsight.testing.processes import postgres_only, run_manage_py


def _write(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="case.viewed", target_type="case", target_id=n)
        for n in range(1, count + 1)
    ]


@pytest.mark.django_db
def test_valid_chain_is_reported_with_its_anchor():
    events = _write(3)
    out = StringIO()

    call_command("audit_verify", stdout=out)

    assert "Audit chain OK: 3 event(s) verified (#1-#3)" in out.getvalue()
    assert f"3:{events[-1].hash}" in out.getvalue()


@pytest.mark.django_db
def test_tampered_chain_fails_with_status_1_and_lists_the_problems():
    _write(4)
    # Lifting the triggers explicitly: the database would refuse the tampering itself.
    with protection_suspended(reason="test: tamper"):
        AuditEvent.objects.filter(seq=2).update(action="case.closed")
        AuditEvent.objects.filter(seq=4).delete()
    err = StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stderr=err)

    assert failure.value.returncode == 1
    text = err.getvalue()
    assert "Audit chain FAILED: 2 problem(s)" in text
    assert "[altered] Event #2 was changed" in text
    assert "[truncated]" in text
    assert "docs/runbooks/audit.md" in text


@pytest.mark.django_db
def test_anchor_option_detects_a_replaced_event():
    _write(2)

    with pytest.raises(CommandError):
        call_command("audit_verify", "--anchor", f"2:{'0' * 64}", stderr=StringIO())


@pytest.mark.django_db
def test_malformed_anchor_is_refused():
    with pytest.raises(CommandError, match="anchor"):
        call_command("audit_verify", "--anchor", "12:nothex")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_exit_status_of_a_real_process():
    _write(3)
    ok = run_manage_py("audit_verify")
    assert ok.returncode == 0, ok.stderr
    assert "Audit chain OK: 3 event(s) verified" in ok.stdout

    with protection_suspended(reason="test: tamper, committed for another process to see"):
        AuditEvent.objects.filter(seq=2).delete()
    failed = run_manage_py("audit_verify")

    assert failed.returncode == 1
    assert "[missing] Event(s) #2 are missing (deleted)." in failed.stderr


@pytest.mark.django_db
def test_empty_log_is_reported_as_such():
    out = StringIO()

    call_command("audit_verify", stdout=out)

    assert "Audit chain OK: the log is empty; database protection in place." in out.getvalue()


@pytest.mark.django_db
def test_acknowledge_records_known_damage_after_confirmation(monkeypatch):
    _write(3)
    with protection_suspended(reason="test: tamper"):
        AuditEvent.objects.filter(seq=2).update(action="case.closed")
    monkeypatch.setattr("builtins.input", lambda prompt: "acknowledge")
    out = StringIO()

    call_command("audit_acknowledge", stdout=out)

    assert "Recorded as audit event #4." in out.getvalue()
    verified = StringIO()
    call_command("audit_verify", stdout=verified)
    assert "(known) [altered] Event #2 was changed" in verified.getvalue()
    assert "Audit chain OK: 4 event(s) verified" in verified.getvalue()


@pytest.mark.django_db
def test_acknowledge_needs_confirmation(monkeypatch):
    _write(2)
    with protection_suspended(reason="test: tamper"):
        AuditEvent.objects.filter(seq=1).update(action="case.closed")
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("audit_acknowledge", stdout=StringIO())
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_acknowledge_refuses_problems_that_must_be_fixed():
    _write(2)
    with protection_suspended(reason="test: delete the head"):
        AuditChainHead.objects.all().delete()

    with pytest.raises(CommandError, match="must be fixed"):
        call_command("audit_acknowledge", "--no-input", stdout=StringIO(), stderr=StringIO())
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_acknowledge_with_nothing_wrong_records_nothing():
    _write(2)
    out = StringIO()

    call_command("audit_acknowledge", "--no-input", stdout=out)

    assert "Nothing to acknowledge" in out.getvalue()
    assert AuditEvent.objects.count() == 2
