"""Each IMRO's own median turnaround (file received to review received), per organisation.

Used for the latest safe time on the work queue (R-RPT-6). Grouped by IMRO, with the
independent specialists together as one group, never by person (policy VI.D, R-REF-6):
the figure says how long an organisation usually takes, not how fast a reviewer is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from reviewers.models import Assignment, Review, Submission
from timelines.calendar import business_calendar
from timelines.deadlines import BusinessCalendar

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


# A cached answer is kept this long at most (and dropped sooner: see recent_turnarounds).
CACHE_SECONDS = 2 * 3600


def recent_turnarounds(*, now: datetime | None = None) -> Turnarounds:
    """`imro_turnarounds`, computed at most once an hour and again whenever a review is
    recorded: the work queue asks on every page, and over a year of reviews the medians
    cost about half a second at 200,000 cases (docs/performance.md), while the answer
    moves only when a review arrives or the 12-month window slides.

    The cache key holds the newest review's id (one index lookup), so a new review is
    in the next page's medians; an hour's slide of the window waits for the next hour.
    """
    now = now or timezone.now()
    newest = Review.objects.aggregate(newest=Max("pk"))["newest"]
    key = "imro-turnarounds:v1:{db}:{hour:%Y%m%d%H}:{newest}".format(
        db=connection.settings_dict["NAME"], hour=now, newest=newest
    )
    found = cache.get(key)
    if found is None:
        found = imro_turnarounds(now=now)
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def imro_turnarounds(*, now: datetime | None = None) -> Turnarounds:
    """Median hours from IMRO receipt to review received over the last 12 months.

    One query. On PostgreSQL the medians are percentile_cont per IMRO and over all (one
    GROUPING SETS query); on SQLite, which has neither, the (IMRO, hours) pairs are read
    and the same interpolation is done in Python.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _turnarounds_in_database(now)
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


_MEDIANS = """
    SELECT GROUPING(a.imro_id) AS overall, a.imro_id,
        percentile_cont(0.5) WITHIN GROUP (
            ORDER BY EXTRACT(EPOCH FROM (r.received_at - s.imro_received_at)) / 3600.0)
    FROM {review} r
    JOIN {submission} s ON s.case_id = r.case_id
    JOIN {assignment} a ON a.id = r.assignment_id
    WHERE r.received_at >= %s AND r.received_at < %s AND s.imro_received_at IS NOT NULL
    GROUP BY GROUPING SETS ((a.imro_id), ())
"""


def _turnarounds_in_database(now: datetime) -> Turnarounds:
    quote = connection.ops.quote_name
    sql = _MEDIANS.format(
        review=quote(Review._meta.db_table),
        submission=quote(Submission._meta.db_table),
        assignment=quote(Assignment._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (now - LOOKBACK, now))
        rows = cursor.fetchall()
    by_imro, overall = {}, None
    for grouped_out, imro_id, median in rows:
        if median is None:
            continue
        if grouped_out:
            overall = _hours(median)
        else:
            by_imro[imro_id] = _hours(median)
    return Turnarounds(by_imro=by_imro, overall=overall)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _hours(value: float) -> timedelta:
    return timedelta(hours=round(value, 2))


# Stored turnaround of each review (docs/reports.md "Turnaround") ------------------------

# Reviews updated per statement by the backfill and the rebuild.
RECOMPUTE_BATCH = 2000


def review_turnaround(
    imro_received_at: datetime, received_at: datetime, calendar: BusinessCalendar
) -> tuple[float, int]:
    """(hours, business days) from the IMRO's receipt of the complete file to the review.

    Hours are elapsed time. Business days are counted as the deadline rules count them:
    the local day of IMRO receipt is not counted, each Monday–Friday after it up to and
    including the local day the review arrived is, except the plan's holidays; a review
    the same day is 0. The one definition: review_record stores it, the migration's
    backfill and `manage.py rebuild_report_summary` recompute it with it.
    """
    hours = (received_at - imro_received_at).total_seconds() / 3600
    days = calendar.business_days_between(
        calendar.local(imro_received_at).date(), calendar.local(received_at).date()
    )
    return hours, days


def review_turnarounds_recompute(reviews: QuerySet[Review], *, calendar=None) -> int:
    """Recompute the stored turnaround of `reviews` (after a holiday was added or removed,
    or for reviews loaded in bulk), in batches of RECOMPUTE_BATCH; returns how many
    changed. Writes with bulk_update (no history row: a derived figure, not a fact)."""
    calendar = calendar or business_calendar()
    changed = 0
    rows = (
        reviews.filter(case__submission__imro_received_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "received_at",
            "case__submission__imro_received_at",
            "turnaround_hours",
            "turnaround_business_days",
        )
    )
    batch: list[Review] = []
    for pk, received, imro_received, old_hours, old_days in rows.iterator(chunk_size=5000):
        hours, days = review_turnaround(imro_received, received, calendar)
        if (old_hours, old_days) == (hours, days):
            continue
        batch.append(Review(pk=pk, turnaround_hours=hours, turnaround_business_days=days))
        if len(batch) >= RECOMPUTE_BATCH:
            changed += _save_turnarounds(batch)
            batch = []
    return changed + _save_turnarounds(batch)


def _save_turnarounds(batch: list[Review]) -> int:
    turnarounds_save(Review, batch)
    return len(batch)


def turnarounds_save(model: type[Review], batch: list[Review]) -> None:
    """Write the batch's stored turnarounds (also used by the migration's backfill with
    its historical model). On PostgreSQL one UPDATE … FROM unnest() per batch: Django's
    bulk_update writes a CASE per row, which took minutes at 200,000 reviews."""
    if not batch:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(batch, ["turnaround_hours", "turnaround_business_days"])
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET turnaround_hours = v.hours, "  # noqa: S608 - a model's table
            "turnaround_business_days = v.days FROM (SELECT unnest(%s::bigint[]) AS id, "
            "unnest(%s::double precision[]) AS hours, unnest(%s::integer[]) AS days) AS v "
            "WHERE r.id = v.id",
            [
                [review.pk for review in batch],
                [review.turnaround_hours for review in batch],
                [review.turnaround_business_days for review in batch],
            ],
        )
