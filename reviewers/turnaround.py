"""Each IMRO's own median turnaround (file received to review received), per organisation.

Used for the latest safe time on the work queue (R-RPT-6). Grouped by IMRO, with the
independent specialists together as one group, never by person (policy VI.D, R-REF-6):
the figure says how long an organisation usually takes, not how fast a reviewer is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from reviewers.models import Review

# The turnaround looks back this far; older reviews say little about today's pace.
LOOKBACK = timedelta(days=365)


@dataclass(frozen=True)
class Turnarounds:
    """Median turnaround per IMRO id; None is the independent specialists' group."""

    by_imro: dict[int | None, timedelta]
    # The median over every review of the lookback, for a case with no IMRO chosen yet.
    overall: timedelta | None

    def for_imro(self, imro_id: int | None, *, assigned: bool) -> timedelta | None:
        if assigned and imro_id in self.by_imro:
            return self.by_imro[imro_id]
        return self.overall


def imro_turnarounds(*, now: datetime | None = None) -> Turnarounds:
    """Median hours from IMRO receipt to review received over the last 12 months.

    One query: the (IMRO, hours) pairs of the lookback's reviews, medians in Python, the
    same on PostgreSQL and SQLite. A year of a plan's reviews is a few thousand rows.
    """
    now = now or timezone.now()
    rows = (
        Review.objects.filter(received_at__gte=now - LOOKBACK, received_at__lt=now)
        .filter(case__submission__imro_received_at__isnull=False)
        .values_list(
            "assignment__imro_id", F("received_at"), F("case__submission__imro_received_at")
        )
    )
    groups: dict[int | None, list[float]] = {}
    every: list[float] = []
    for imro_id, received, imro_received in rows:
        hours = (received - imro_received).total_seconds() / 3600
        groups.setdefault(imro_id, []).append(hours)
        every.append(hours)
    return Turnarounds(
        by_imro={imro: _hours(_median(values)) for imro, values in groups.items()},
        overall=_hours(_median(every)) if every else None,
    )


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _hours(value: float) -> timedelta:
    return timedelta(hours=round(value, 2))
