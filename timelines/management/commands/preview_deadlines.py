"""python manage.py preview_deadlines: the clocks a case would get (R-API-2)."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imr.errors import Refused
from timelines.calendar import plan_zone
from timelines.deadlines import parse_local
from timelines.selectors import deadlines_preview


def parse_holidays(text: str) -> dict[date, str]:
    """'YYYY-MM-DD,…' → {date: "holiday (from --holidays)"}; an empty string is no holidays."""
    days = {}
    for part in (p.strip() for p in text.split(",")):
        if part:
            days[date.fromisoformat(part)] = "given with --holidays"
    return days


class Command(BaseCommand):
    help = (
        "Preview the deadlines of a review. Times without an offset are in the plan's time "
        "zone; with only --received-at the IMRO receipt is the same moment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--review-type", required=True, choices=["standard", "expedited", "retrospective"]
        )
        parser.add_argument("--received-at", required=True, help="Receipt at the plan, ISO-8601.")
        parser.add_argument("--imro-received-at", help="IMRO receipt, ISO-8601.")
        parser.add_argument(
            "--extended", action="store_true", help="Apply the expedited extension (R-DL-5)."
        )
        parser.add_argument(
            "--holidays", help="YYYY-MM-DD,… replaces the holiday calendar for this preview."
        )
        parser.add_argument(
            "--response-needed-by", help="Date response needed (YYYY-MM-DD), standard only."
        )
        parser.add_argument(
            "--origin",
            choices=["appeal", "pre_service", "retrospective"],
            help="The case's origin: adds the plan's own clock for it (R-DL-14).",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: object, **options: object) -> None:
        zone = plan_zone()
        try:
            received_at = parse_local(str(options["received_at"]), zone)
            imro = options["imro_received_at"]
            imro_received_at = parse_local(str(imro), zone) if imro else None
            holidays = (
                parse_holidays(str(options["holidays"]))
                if options["holidays"] is not None
                else None
            )
            needed = options["response_needed_by"]
            response_needed_by = date.fromisoformat(str(needed)) if needed else None
        except ValueError as exc:
            raise CommandError(f"Not an ISO-8601 date or time: {exc}") from None
        try:
            clocks = deadlines_preview(
                review_type=str(options["review_type"]),
                received_at=received_at,
                imro_received_at=imro_received_at,
                extended=bool(options["extended"]),
                holidays=holidays,
                response_needed_by=response_needed_by,
                origin=options["origin"],
            )
        except Refused as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            body = {
                "review_type": options["review_type"],
                "time_zone": zone.key,
                "clocks": [clock.as_dict(zone) for clock in clocks],
            }
            self.stdout.write(json.dumps(body, indent=2))
            return
        for clock in clocks:
            self.stdout.write(f"{clock.name}: due {clock.due_at.astimezone(zone).isoformat()}")
            self.stdout.write(f"  {clock.label}; {clock.rule['description']} from {clock.trigger}")
            for line in clock.explanation["lines"]:
                self.stdout.write(f"  {line}")
            self.stdout.write(f"  {clock.citation}")
