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
            "--database", default="default", help="Database alias (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify(anchors=options["anchor"], using=options["database"])
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain OK: {report.events_checked} events verified"
                    f" (#1-#{report.last_seq}); database protection in place."
                )
            )
            self.stdout.write(f"Anchor (keep a copy off this server): {report.anchor}")
            return
        self.stderr.write(
            self.style.ERROR(
                f"Audit chain FAILED: {report.problem_count} problem(s) found in "
                f"{report.events_checked} events."
            )
        )
        for problem in report.problems:
            self.stderr.write(f"  [{problem.kind}] {problem.message}")
        if report.problem_count > len(report.problems):
            self.stderr.write(
                f"  … and {report.problem_count - len(report.problems)} more not listed."
            )
        self.stderr.write("What to do: docs/runbooks/audit.md, section 'When verification fails'.")
        raise CommandError("audit chain verification failed", returncode=1)
