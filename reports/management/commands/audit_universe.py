"""python manage.py audit_universe --from YYYY-MM-DD --to YYYY-MM-DD --output FILE.csv [--validate]

Writes the audit universe (R-RPT-5) of the cases received at the plan in the range, and
with --validate lists every impossible order or missing date, failing when there is one.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imr.errors import Refused
from reports.params import command_day
from reports.universe import universe_csv, universe_problems, universe_rows


class Command(BaseCommand):
    help = "Write the audit universe CSV (receipt at the plan in the range) and/or validate it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--output", default="", help="The CSV file to write.")
        parser.add_argument(
            "--validate",
            action="store_true",
            help="List impossible orders and missing dates; exit non-zero if there are any.",
        )

    def handle(self, *args: object, **options: object) -> None:
        output = Path(str(options["output"])) if options["output"] else None
        if output is None and not options["validate"]:
            raise CommandError("Give --output FILE.csv, --validate, or both.")
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        date_from, date_to = (
            command_day(str(options["date_from"])),
            command_day(str(options["date_to"])),
        )
        try:
            rows = universe_rows(date_from=date_from, date_to=date_to)
        except Refused as refused:
            raise CommandError(str(refused)) from None
        if output is not None:
            body = universe_csv(rows, date_from=date_from, date_to=date_to)
            output.write_bytes(body)
            self.stdout.write(f"Wrote {output} ({len(body):,} bytes): {len(rows)} cases.")
        if options["validate"]:
            problems = universe_problems(rows)
            for problem in problems:
                self.stdout.write(problem.describe())
            self.stdout.write(f"{len(problems)} problems in {len(rows)} cases.")
            if problems:
                raise CommandError(f"{len(problems)} problems.")
