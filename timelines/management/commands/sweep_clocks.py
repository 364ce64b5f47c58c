"""python manage.py sweep_clocks [--now ISO-8601] [--json]: one full sweep, synchronously."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timelines.calendar import plan_zone
from timelines.deadlines import parse_local
from timelines.services import sweep


class Command(BaseCommand):
    help = "Run one full sweep of all clocks now (what the nightly task runs) and print counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="Sweep as of this ISO-8601 time (no offset: the plan's time zone)."
        )
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        now = None
        if options["now"]:
            try:
                now = parse_local(str(options["now"]), plan_zone())
            except ValueError as exc:
                raise CommandError(f"--now is not an ISO-8601 time: {exc}") from None
        result = sweep(now=now, scope="all")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write(
            f"Swept as of {result.as_of}: {result.warned} warned, {result.breached} breached, "
            f"{result.skipped} skipped ({result.examined} examined, "
            f"{result.notifications} notifications, {result.seconds:.2f} s)."
        )
