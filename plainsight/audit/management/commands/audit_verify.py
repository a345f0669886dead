"""Check the audit log: every event intact, none missing, none added, protection on."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plainsight.audit.chain import chain_verify, parse_anchor


def _anchor(value: str) -> tuple[int, str]:
    try:
        return parse_anchor(value)
    except ValueError as error:
        raise ArgumentTypeError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain against its head row and the database's "
        "append-only protection. Exits with status 1 and lists every problem on failure."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            type=_anchor,
            metavar="SEQ:HASH",
            help=(
                "An event number and hash recorded earlier, off the server (the nightly "
                "check logs one). Fails if that event is gone or differs. Repeatable."
            ),
        )
        parser.add_argument(
            "--limit", type=int, default=200, help="List at most this many problems."
        )
        parser.add_argument(
            "--database", default="default", help="Database alias (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify(anchors=options["anchor"], using=options["database"])
        if report.acknowledged:
            self.stdout.write(
                f"{len(report.acknowledged)} known problem(s), acknowledged at event(s) "
                + ", ".join(f"#{seq}" for seq in report.acknowledged_at)
                + ":"
            )
            for problem in report.acknowledged[: options["limit"]]:
                self.stdout.write(f"  (known) [{problem.kind}] {problem.message}")
        if report.ok:
            checked = (
                f"{report.events_checked} event(s) verified (#1-#{report.last_seq})"
                if report.events_checked
                else "the log is empty"
            )
            self.stdout.write(
                self.style.SUCCESS(f"Audit chain OK: {checked}; database protection in place.")
            )
            self.stdout.write(f"Anchor (keep a copy off this server): {report.anchor}")
            return
        self.stderr.write(
            self.style.ERROR(
                f"Audit chain FAILED: {report.problem_count} problem(s) found in "
                f"{report.events_checked} event(s)."
            )
        )
        for problem in report.problems[: options["limit"]]:
            self.stderr.write(f"  [{problem.kind}] {problem.message}")
        if report.problem_count > options["limit"]:
            self.stderr.write(
                f"  … and {report.problem_count - options['limit']} more (raise --limit)."
            )
        self.stderr.write("What to do: docs/runbooks/audit.md, section 'When verification fails'.")
        raise CommandError("audit chain verification failed", returncode=1)
