"""python manage.py rebuild_report_summary [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Recomputes, from the facts, the reviews' stored turnaround (hours and business days,
reviewers.turnaround.review_turnaround) and the QUAC report's per-month summary table
(reports.summary) for the months of IMRO receipt in the range (everything without one).
Run it after a holiday is added, moved or removed (the business days of reviews across
that day change) or after cases were loaded in bulk outside the services. Safe to run
at any time: it replaces the rows of the range in one transaction.
"""

import json
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from reports.params import command_day
from reports.summary import next_month, summary_rebuild
from reviewers.models import Review
from reviewers.turnaround import review_turnarounds_recompute
from timelines.calendar import plan_zone


class Command(BaseCommand):
    help = "Recompute the reviews' stored turnaround and the report's summary table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD (its whole month)")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD (its whole month)")
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        date_from = command_day(str(options["date_from"])) if options["date_from"] else None
        date_to = command_day(str(options["date_to"])) if options["date_to"] else None
        if date_from and date_to and date_to < date_from:
            raise CommandError("--to is before --from.")
        started = time.perf_counter()
        reviews = Review.objects.all()
        zone = plan_zone()
        if date_from:
            reviews = reviews.filter(
                case__submission__imro_received_at__gte=datetime.combine(
                    date_from.replace(day=1), datetime.min.time(), tzinfo=zone
                )
            )
        if date_to:
            reviews = reviews.filter(
                case__submission__imro_received_at__lt=datetime.combine(
                    next_month(date_to.replace(day=1)), datetime.min.time(), tzinfo=zone
                )
            )
        with transaction.atomic():
            turnarounds = review_turnarounds_recompute(reviews)
            rows = summary_rebuild(date_from=date_from, date_to=date_to)
        seconds = time.perf_counter() - started
        result = {"turnarounds_changed": turnarounds, "summary_rows": rows, "seconds": seconds}
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"{turnarounds} stored turnarounds changed; {rows} summary rows written "
                f"in {seconds:.1f} s."
            )
