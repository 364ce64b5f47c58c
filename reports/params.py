"""What a QUAC report is asked for: a date range and optional filters."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.management.base import CommandError

from cases.models import Circumstance, ReviewType
from imr.errors import Refused
from timelines.calendar import plan_zone

# The IMRO filter's value for cases sent to independent specialists (no IMRO): they are
# reported together, never one by one (R-REF-6).
INDEPENDENT = "independent"
INDEPENDENT_LABEL = "Independent specialists (together)"
# A report covers at most this many days; longer ranges are split by the person asking.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ReportParams:
    """Cases whose complete file the IMRO received between date_from and date_to (inclusive,
    plan time zone), optionally narrowed by review type, VI.B circumstance, specialty, IMRO."""

    date_from: date
    date_to: date
    review_type: str = ""
    circumstance: int | None = None
    specialty: str = ""
    # An IMRO's primary key, INDEPENDENT, or "" for all.
    imro: str = ""
    imro_label: str = ""

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise Refused("The end of the range is before its start.")
        if (self.date_to - self.date_from).days >= MAX_DAYS:
            raise Refused("A report covers at most three years; split the range.")
        if self.review_type and self.review_type not in ReviewType.values:
            raise Refused(f"Unknown review type {self.review_type!r}.")
        if self.circumstance is not None and self.circumstance not in Circumstance.values:
            raise Refused("The circumstance is one of VI.B (1) to (6).")
        if self.imro and self.imro != INDEPENDENT and not self.imro.isdigit():
            raise Refused("Unknown IMRO.")

    def window(self) -> tuple[datetime, datetime]:
        """[start, end) in the plan's time zone: midnight of date_from to midnight after date_to."""
        zone = plan_zone()
        start = datetime.combine(self.date_from, time.min, tzinfo=zone)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def months(self) -> list[date]:
        """The first day of every month the range touches, in order."""
        months, month = [], self.date_from.replace(day=1)
        while month <= self.date_to:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    @property
    def imro_id(self) -> int | None:
        return int(self.imro) if self.imro.isdigit() else None

    def filters(self) -> dict[str, object]:
        """The filters chosen, as stored on ReportRun and echoed in exports."""
        chosen: dict[str, object] = {}
        if self.review_type:
            chosen["review_type"] = self.review_type
        if self.circumstance is not None:
            chosen["circumstance"] = self.circumstance
        if self.specialty:
            chosen["specialty"] = self.specialty
        if self.imro:
            chosen["imro"] = self.imro
        labels = self.filter_labels()
        if labels:
            chosen["label"] = "; ".join(labels)
        return chosen

    def filter_labels(self) -> list[str]:
        labels = []
        if self.review_type:
            labels.append(f"Review type: {ReviewType(self.review_type).label}")
        if self.circumstance is not None:
            labels.append(f"Circumstance: {Circumstance(self.circumstance).label}")
        if self.specialty:
            labels.append(f"Specialty: {self.specialty}")
        if self.imro:
            name = INDEPENDENT_LABEL if self.imro == INDEPENDENT else self.imro_label
            labels.append(f"IMRO: {name or self.imro}")
        return labels

    def describe(self) -> str:
        text = f"IMRO receipt {self.date_from:%Y-%m-%d} to {self.date_to:%Y-%m-%d}"
        labels = self.filter_labels()
        return f"{text}; {'; '.join(labels)}" if labels else text


def command_day(text: str) -> date:
    """A `--from`/`--to` argument of the report commands, as a date (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from None
