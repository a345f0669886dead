"""Record that the audit log's damage found so far has been investigated.

Damage to a hash chain cannot be repaired (that would be rewriting history); once it
has been investigated, this records a marker event in the chain so that verification
lists those problems as *known* and fails again only for new ones. See
docs/runbooks/audit.md, "When verification fails", for the steps before this.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plainsight.audit.chain import chain_verify
from plainsight.audit.services import audit_damage_acknowledge

CONFIRMATION = "acknowledge"


class Command(BaseCommand):
    help = (
        "After investigating a failed audit_verify, record in the chain that the "
        "problems found so far are known. Later damage still fails verification."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (the problems are still printed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify()
        if report.ok:
            self.stdout.write("Nothing to acknowledge: " + report.summary())
            return
        unfixable = [p for p in report.problems if p.seq is None or p.kind == "beyond_head"]
        if unfixable:
            for problem in unfixable:
                self.stderr.write(f"  [{problem.kind}] {problem.message}")
            raise CommandError(
                "These problems must be fixed, not acknowledged (docs/runbooks/audit.md, "
                "'When verification fails', steps 5 and 6). Nothing was recorded."
            )
        self.stdout.write(f"{report.problem_count} problem(s) will be recorded as known:")
        for problem in report.problems:
            self.stdout.write(f"  [{problem.kind}] {problem.message}")
        if options["interactive"]:
            answer = input(f"Type '{CONFIRMATION}' to record them as investigated: ")
            if answer.strip() != CONFIRMATION:
                raise CommandError("Not confirmed. Nothing was recorded.")
        event = audit_damage_acknowledge()
        after = chain_verify()
        self.stdout.write(
            self.style.SUCCESS(
                f"Recorded as audit event #{event.seq}. Write this number in the incident"
                " record, then mark the alert resolved on the staff home page."
            )
        )
        self.stdout.write(after.summary())
        if not after.ok:
            raise CommandError("The chain still fails verification (new damage meanwhile?).")
