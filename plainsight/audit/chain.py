"""The hash chain: how one event's hash is computed, and how the whole chain is checked.

Each event's hash covers its own fields, its number and its predecessor's hash, so:

- editing a row changes what its hash should be (the row no longer matches its hash);
- deleting a row leaves a gap in the numbers and a broken link after it;
- deleting the newest rows leaves the chain shorter than the head row says;
- inserting or reordering rows breaks the links and the numbering.

Someone who can write to the database *and* recompute every later hash (and the head)
could rewrite history consistently; the nightly check logs the head as an *anchor*
(number and hash) so that a copy kept off the server exposes such a rewrite
(``audit_verify --anchor SEQ:HASH``). See docs/runbooks/audit.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS = "0" * 64
# Domain separation: these hashes can never collide with another system's SHA-256 use.
_DOMAIN = "plainsight.audit.v1"
_CHUNK = 2000
# Written only by audit_damage_acknowledge (audit_record refuses "audit_chain.*").
ACKNOWLEDGE_ACTION = "audit_chain.damage_acknowledged"


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    occurred_at: datetime,
    actor_id: object,
    organization_id: object,
    action: str,
    target_type: str,
    target_id: str,
) -> str:
    """The SHA-256 of one event, in a canonical JSON form independent of the database."""
    payload = json.dumps(
        [
            _DOMAIN,
            prev_hash,
            int(seq),
            occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            None if actor_id is None else str(actor_id),
            None if organization_id is None else str(organization_id),
            action,
            target_type,
            target_id,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the chain. ``kind`` is a stable code; ``message`` is for people."""

    kind: str
    message: str
    seq: int | None = None


@dataclass
class ChainReport:
    """The result of walking the chain (and checking the database's protection).

    ``problems`` are the unexplained ones; ``acknowledged`` those that an operator
    investigated and recorded as known (``manage.py audit_acknowledge``): they stay
    listed, but no longer fail the check.
    """

    events_checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    head_seq: int | None = None
    head_hash: str | None = None
    problems: list[Problem] = field(default_factory=list)
    acknowledged: list[Problem] = field(default_factory=list)
    acknowledged_at: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    @property
    def anchor(self) -> str:
        """``SEQ:HASH`` of the newest event checked: keep it off the server."""
        return f"{self.last_seq}:{self.last_hash}"

    def add(self, kind: str, message: str, seq: int | None = None) -> None:
        self.problems.append(Problem(kind=kind, message=message, seq=seq))

    def acknowledge_through(self, seq: int) -> None:
        """Problems located at or before event ``seq`` are known (that event says so)."""
        self.acknowledged += [p for p in self.problems if p.seq is not None and p.seq <= seq]
        self.problems = [p for p in self.problems if p.seq is None or p.seq > seq]
        self.acknowledged_at.append(seq)

    def summary(self, *, limit: int = 10) -> str:
        """A short plain-text account, safe for logs, e-mail and alerts (no content)."""
        known = (
            f" {len(self.acknowledged)} known problem(s) acknowledged"
            f" (at event(s) {', '.join(f'#{s}' for s in self.acknowledged_at)})."
            if self.acknowledged
            else ""
        )
        if self.ok:
            return f"Audit chain OK: {self.events_checked} event(s), anchor {self.anchor}.{known}"
        lines = [
            f"Audit chain FAILED: {self.problem_count} problem(s) "
            f"in {self.events_checked} event(s) checked.{known}"
        ]
        lines += [f"- {p.message}" for p in self.problems[:limit]]
        if self.problem_count > limit:
            lines.append(f"- … and {self.problem_count - limit} more (run audit_verify).")
        return "\n".join(lines)


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}-#{last}"


def parse_anchor(value: str) -> tuple[int, str]:
    """``"1234:ab12…"`` → ``(1234, "ab12…")``; raises ValueError when malformed."""
    seq_text, sep, digest = value.strip().partition(":")
    digest = digest.lower()
    if (
        not sep
        or not seq_text.isdigit()
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError("an anchor looks like 1234:<64 hexadecimal digits>")
    return int(seq_text), digest


def chain_verify(*, anchors: Iterable[tuple[int, str]] = (), using: str = "default") -> ChainReport:
    """Walk every event in order and compare the end with the head row.

    Reads in chunks by number without holding a transaction open, so writers are never
    blocked (on SQLite an open transaction would take the write lock). Events appended
    while the walk runs are walked too before the head is compared. Every problem is
    reported, not only the first; after a broken link the walk continues from the
    stored hash, so the report says where the damage is.
    """
    from plainsight.audit.models import AuditChainHead, AuditEvent
    from plainsight.audit.protection import protection_problems

    report = ChainReport()
    expected_anchors = dict(anchors)
    last_id = 0
    fields = (
        "id",
        "seq",
        "occurred_at",
        "actor_id",
        "organization_id",
        "action",
        "target_type",
        "target_id",
        "prev_hash",
        "hash",
    )
    events = AuditEvent.objects.using(using).order_by("seq").values_list(*fields)
    head: tuple[int, str] | None = None
    retried_at_end = False
    while True:
        chunk = list(events.filter(seq__gt=report.last_seq)[:_CHUNK])
        if not chunk:
            head = (
                AuditChainHead.objects.using(using)
                .filter(id=1)
                .values_list("seq", "last_hash")
                .first()
            )
            # A writer may have committed events (and moved the head) after the last
            # chunk was read: walk them before judging the end of the chain.
            if head is not None and head[0] > report.last_seq and not retried_at_end:
                retried_at_end = True
                continue
            break
        retried_at_end = False
        for row_id, seq, occurred_at, actor_id, org_id, action, ttype, tid, prev, digest in chunk:
            if seq != report.last_seq + 1:
                span = _span(report.last_seq + 1, seq - 1)
                report.add(
                    "missing", f"Event(s) {span} are missing (deleted).", report.last_seq + 1
                )
            elif prev != report.last_hash:
                report.add(
                    "link",
                    f"Event #{seq} does not follow event #{report.last_seq} "
                    "(inserted, reordered or altered).",
                    seq,
                )
            if row_id <= last_id:
                report.add(
                    "order",
                    f"Event #{seq} was stored before event #{report.last_seq} "
                    "(rows inserted or renumbered).",
                    seq,
                )
            recomputed = event_hash(
                prev_hash=prev,
                seq=seq,
                occurred_at=occurred_at,
                actor_id=actor_id,
                organization_id=org_id,
                action=action,
                target_type=ttype,
                target_id=tid,
            )
            if recomputed != digest:
                report.add("altered", f"Event #{seq} was changed after it was written.", seq)
            anchored = expected_anchors.pop(seq, None)
            if anchored is not None and anchored != digest:
                report.add(
                    "anchor",
                    f"Event #{seq} differs from the anchor kept for it (history rewritten).",
                    seq,
                )
            if action == ACKNOWLEDGE_ACTION and recomputed == digest:
                # An intact acknowledgement covers everything found up to itself.
                report.acknowledge_through(seq)
            report.events_checked += 1
            report.last_seq, report.last_hash, last_id = seq, digest, row_id

    if head is None:
        if report.events_checked:
            report.add("head_missing", "The chain head row is missing.")
    else:
        report.head_seq, report.head_hash = head
        if head[0] > report.last_seq:
            report.add(
                "truncated",
                f"The newest event(s) {_span(report.last_seq + 1, head[0])} are missing (deleted);"
                f" the head says the chain ends at #{head[0]}.",
                report.last_seq + 1,
            )
        elif head[0] < report.last_seq:
            report.add(
                "beyond_head",
                f"Event(s) {_span(head[0] + 1, report.last_seq)} lie beyond the head "
                "(written without the audit service).",
                head[0] + 1,
            )
        elif head[1] != report.last_hash:
            report.add(
                "head_mismatch",
                f"The head does not match event #{report.last_seq} (head or event replaced).",
                report.last_seq,
            )
    for seq in sorted(expected_anchors):
        report.add("anchor", f"Anchored event #{seq} is missing (history rewritten).", seq)
    for message in protection_problems(using=using):
        report.add("protection", message)
    return report
