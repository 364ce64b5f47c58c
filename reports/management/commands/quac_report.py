"""python manage.py quac_report --from YYYY-MM-DD --to YYYY-MM-DD --format {csv,pdf} --output PATH

Produces the de-identified QUAC report for a meeting packet (R-RPT-2) and records the
run in the saved-report history (no user: "quac_report command").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imr.errors import Refused
from reports.exports import report_csv_zip, report_pdf
from reports.models import ReportFormat, ReportSource
from reports.params import ReportParams, command_day
from reports.services import report_pull


class Command(BaseCommand):
    help = "Write the QUAC report (IMRO receipt in the range) as a zip of CSVs or a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--format", choices=["csv", "pdf"], required=True)
        parser.add_argument("--output", required=True, help="File to write (.zip or .pdf).")
        parser.add_argument("--review-type", default="", help="standard, expedited, retrospective")
        parser.add_argument("--circumstance", type=int, default=None, help="VI.B 1 to 6")
        parser.add_argument("--specialty", default="")
        parser.add_argument("--imro", default="", help='An IMRO id, or "independent"')

    def handle(self, *args: object, **options: object) -> None:
        output = Path(str(options["output"]))
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        try:
            params = ReportParams(
                date_from=command_day(str(options["date_from"])),
                date_to=command_day(str(options["date_to"])),
                review_type=str(options["review_type"]),
                circumstance=options["circumstance"],  # type: ignore[arg-type]
                specialty=str(options["specialty"]),
                imro=str(options["imro"]),
            )
        except Refused as refused:
            raise CommandError(str(refused)) from None
        file_format = ReportFormat(str(options["format"]))
        report = report_pull(
            params=params, user=None, source=ReportSource.COMMAND, format=file_format
        )
        body = report_csv_zip(report) if file_format == ReportFormat.CSV else report_pdf(report)
        output.write_bytes(body)
        self.stdout.write(
            f"Wrote {output} ({len(body):,} bytes): {params.describe()}, {report.cases} cases."
        )
