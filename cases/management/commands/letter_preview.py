"""Render a case's letter exactly as the preview does, for operators and Compliance.

manage.py letter_preview --tar-number TAR-000123 --party member --output letter.pdf
manage.py letter_preview --tar-number TAR-000123 --party member --language es \
    --output carta.pdf --json

Writes the PDF (letter and inserts, the bytes the preview serves) and, with --json,
prints {"notice_type", "checks": [{"name", "ok", "detail"}], "reading_grade"} and
nothing else. Stores nothing and sends nothing. The PDF holds the member's details:
write it only where PHI may be kept.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case, Language, Party
from cases.services.letters import letter_check_report, letter_render
from imr.errors import Refused


class Command(BaseCommand):
    help = "Render a case's letter as the preview does; --json prints its pre-send check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tar-number", required=True)
        parser.add_argument("--party", required=True, choices=Party.values)
        parser.add_argument("--language", choices=Language.values)
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        cases = Case.objects.filter(tar_number=options["tar_number"]).order_by("-pk")
        case = cases.first()
        if case is None:
            raise CommandError(f"No case has the TAR number {options['tar_number']}.")
        try:
            rendered = letter_render(
                case=case, party=options["party"], language=options["language"]
            )
        except Refused as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        output: Path = options["output"]
        output.write_bytes(rendered.pdf)
        if options["json"]:
            report = letter_check_report(rendered)
            self.stdout.write(
                json.dumps(
                    {k: report[k] for k in ("notice_type", "checks", "reading_grade")},
                    ensure_ascii=False,
                )
            )
        else:
            failing = len(rendered.problems)
            self.stdout.write(
                f"{output}: {rendered.notice.label}, {rendered.page_count} page(s), "
                f"{failing} failing check(s)."
            )
