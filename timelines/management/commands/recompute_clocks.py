"""python manage.py recompute_clocks: apply a change of the rules table to running clocks.

A change of timelines.rules adds rows and moves no running clock by itself (R-DL-16).
This command is the explicit, audited step: each case's running clocks take the rows in
force at its receipt at the plan, and the case history names every old and new due time
with the reason given. Without --reason nothing changes.
"""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from cases.models import Case
from imr.errors import Refused
from timelines.models import Clock
from timelines.services import clocks_recompute_rules


class Command(BaseCommand):
    help = (
        "Recompute running clocks with the rules-table rows now in force (R-DL-16); "
        "writes a case event naming the old and new due times."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", type=int, help="One case, by its number.")
        which.add_argument(
            "--all-running", action="store_true", help="Every case with a running clock."
        )
        parser.add_argument("--reason", default="", help="Why (kept in each case's history).")
        parser.add_argument("--json", action="store_true", help="Print the changes as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        reason = str(options["reason"] or "").strip()
        if not reason:
            raise CommandError("Give --reason: recomputing clocks is recorded in case history.")
        cases = self._cases(options)
        report: dict[int, list] = {}
        for case in cases.iterator():
            try:
                changes = clocks_recompute_rules(case=case, reason=reason)
            except Refused as exc:
                # The case number and the refusal (dates, years) only: no member PHI.
                raise CommandError(f"Case {case.pk}: {exc}") from None
            if changes:
                report[case.pk] = changes
        if options["json"]:
            self.stdout.write(json.dumps({"changed": report}, indent=2))
            return
        for case_id, changes in report.items():
            for change in changes:
                self.stdout.write(
                    f"Case {case_id} {change['clock']}: {change['old_due_at']} -> "
                    f"{change['new_due_at']}"
                )
        self.stdout.write(f"{len(report)} case(s) changed.")

    def _cases(self, options: dict) -> QuerySet[Case]:
        if options["case"] is not None:
            cases = Case.objects.filter(pk=options["case"])
            if not cases.exists():
                raise CommandError(f"No case {options['case']}.")
            return cases
        running = Clock.objects.running().values("case_id")
        return Case.objects.filter(pk__in=running).order_by("pk")
