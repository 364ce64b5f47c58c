"""The QUAC report's figures read from the summary table (reports.summary), in the shapes
the full computation in reports.selectors returns, so the tables are laid out by the
same code whichever source answered.

Sums come from the MonthSummary rows of the range (a few thousand rows for twelve
months, whatever the number of cases); the percentiles, the running clocks already
overdue and the list of missed clocks still come from the facts (docs/reports.md
"Summary table").
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum

from reports.models import (
    MonthSummary,
    MonthSummaryCase,
    MonthSummaryClock,
    MonthSummaryCount,
    SummaryCount,
)
from reports.params import INDEPENDENT, ReportParams
from reports.regulatory import Um5Cell, um5_figures
from reports.summary import CMS_FIELDS, next_month
from reviewers.models import Submission
from timelines.calendar import plan_zone
from timelines.models import ClockStatus


def summary_answers(params: ReportParams, *, now: datetime) -> bool:
    """Whether the summary can answer `params`: whole calendar months (the range may end
    today, since no IMRO receipt lies in the future) and no circumstance filter (a case
    counts under each of its circumstances, so the rows cannot be narrowed to one)."""
    if params.circumstance is not None or params.date_from.day != 1:
        return False
    today = now.astimezone(plan_zone()).date()
    last = params.date_to
    month_end = next_month(last.replace(day=1)).toordinal() - 1
    return last.toordinal() == month_end or last >= today


@dataclass(frozen=True)
class SummaryData:
    """The summary rows of a report's range and filters, read in two queries: the
    MonthSummary rows (a few thousand for twelve months) and their counts grouped by
    month, dimension and value. Every figure below is a sum over these."""

    rows: list[dict[str, object]]
    counts: list[dict[str, object]]
    # The MonthSummary rows as a query, for the per-case and per-clock rows under them.
    queryset: QuerySet[MonthSummary]


def summary_data(params: ReportParams) -> SummaryData:
    rows = MonthSummary.objects.filter(
        month__gte=params.date_from.replace(day=1), month__lte=params.date_to
    )
    if params.review_type:
        rows = rows.filter(review_type=params.review_type)
    if params.specialty:
        rows = rows.filter(specialty=params.specialty)
    if params.imro == INDEPENDENT:
        rows = rows.filter(imro__isnull=True)
    elif params.imro_id is not None:
        rows = rows.filter(imro_id=params.imro_id)
    counts = (
        MonthSummaryCount.objects.filter(summary__in=rows)
        .values("dimension", "value", month=F("summary__month"))
        .annotate(cases=Sum("cases"), met=Sum("met"), missed=Sum("missed"), running=Sum("running"))
        .order_by()
    )
    return SummaryData(
        rows=list(rows.values(*_ROW_FIELDS, imro_name=F("imro__name"))),
        counts=list(counts),
        queryset=rows,
    )


_SUMMED = (
    "cases",
    "reviewed",
    "turnaround_hours_sum",
    "cost",
    "uncharged",
    "um5_decision_measured",
    "um5_decision_on_time",
    "um5_notice_measured",
    "um5_notice_on_time",
    *CMS_FIELDS,
)
_ROW_FIELDS = ("month", "review_type", "imro_id", "specialty", *_SUMMED)


def _sum_by(rows: list[dict[str, object]], *keys: str) -> dict[tuple, dict[str, object]]:
    """The rows' figures summed per value of `keys` (cost stays None when no row has one,
    as SUM does)."""
    sums: dict[tuple, dict[str, object]] = {}
    for row in rows:
        group = tuple(row[key] for key in keys)
        total = sums.get(group)
        if total is None:
            sums[group] = {name: row[name] for name in _SUMMED}
            continue
        for name in _SUMMED:
            value = row[name]
            if value is not None:
                total[name] = value if total[name] is None else total[name] + value
    return sums


_PERCENTILES = """
    SELECT GROUPING(s.review_type) AS out_type, GROUPING(s.imro_id) AS out_imro,
        s.review_type, s.imro_id,
        percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY c.turnaround_hours),
        percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (
            ORDER BY c.turnaround_business_days::double precision)
    FROM {cases} c JOIN {summary} s ON s.id = c.summary_id
    WHERE c.summary_id IN ({ids}) AND c.turnaround_hours IS NOT NULL
    GROUP BY GROUPING SETS ((), (s.review_type), (s.imro_id))
"""

_MEDIANS = """
    SELECT s.review_type,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY c.decision_hours)
    FROM {cases} c JOIN {summary} s ON s.id = c.summary_id
    WHERE c.summary_id IN ({ids}) AND c.decision_hours IS NOT NULL
    GROUP BY s.review_type
"""


def _per_case(template: str, data: SummaryData) -> list[tuple]:
    """A query over the per-case rows under the report's summary rows (PostgreSQL: the
    SQL is code, the ids a subquery with its values as parameters)."""
    ids, params = data.queryset.values("id").query.sql_with_params()
    quote = connection.ops.quote_name
    sql = template.format(
        cases=quote(MonthSummaryCase._meta.db_table),
        summary=quote(MonthSummary._meta.db_table),
        ids=ids,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stored_percentiles(data: SummaryData) -> tuple:
    """The turnaround median and 90th percentile (hours, business days) overall, per
    review type and per IMRO, over the summary's per-case rows (one GROUPING SETS query
    over a narrow table, no join to the facts), in selectors._grouped_figures' shape."""
    totals: dict[str, object] = {}
    by_type, by_imro = [], []
    for out_type, out_imro, review_type, imro_id, hours, days in _per_case(_PERCENTILES, data):
        figures = {"hours_percentiles": hours, "days_percentiles": days}
        if out_type and out_imro:
            totals = figures
        elif out_imro:
            by_type.append({"review_type": review_type, **figures})
        else:
            by_imro.append({"assignment__imro_id": imro_id, **figures})
    return totals, by_type, by_imro


def cms_medians(data: SummaryData) -> dict[str, float | None]:
    """The median hours to decision per review type, over the summary's per-case rows."""
    return dict(_per_case(_MEDIANS, data))


def late_clocks(data: SummaryData, *, now: datetime) -> QuerySet:
    """The missed clocks and the running ones past due at `now`, earliest due first, in
    the shape of the full computation's list."""
    return (
        MonthSummaryClock.objects.filter(summary__in=data.queryset)
        .filter(Q(status=ClockStatus.MISSED) | Q(status=ClockStatus.RUNNING, due_at__lt=now))
        .values("internal_id", "review_type", "name", "status", "due_at", "stopped_at")
        .order_by("due_at", "clock_id")
    )


def overdue_counts(data: SummaryData, *, now: datetime) -> dict[tuple[str, str], int]:
    """Running clocks past due at `now` per (clock review type, clock name)."""
    return {
        (row["review_type"], row["name"]): row["overdue"]
        for row in MonthSummaryClock.objects.filter(
            summary__in=data.queryset, status=ClockStatus.RUNNING, due_at__lt=now
        )
        .values("review_type", "name")
        .annotate(overdue=Count("pk"))
        .order_by()
    }


def grouped_figures(
    data: SummaryData, percentiles: tuple | None
) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    """The case figures (all, per review type, per IMRO) as selectors._grouped_figures
    returns them; `percentiles` is stored_percentiles' answer (PostgreSQL), or None."""
    totals = _figures(_sum_by(data.rows).get((), dict.fromkeys(_SUMMED)))
    by_type = [
        {"review_type": review_type, **_figures(sums)}
        for (review_type,), sums in sorted(_sum_by(data.rows, "review_type").items())
    ]
    by_imro = [
        {"assignment__imro_id": imro_id, "assignment__imro__name": name, **_figures(sums)}
        for (imro_id, name), sums in sorted(
            _sum_by(data.rows, "imro_id", "imro_name").items(),
            key=lambda item: (item[0][1] is None, item[0][1] or ""),
        )
    ]
    if percentiles is not None:
        p_totals, p_type, p_imro = percentiles
        empty = {"hours_percentiles": None, "days_percentiles": None}
        totals |= {key: p_totals.get(key) for key in empty}
        types = {row["review_type"]: row for row in p_type}
        imros = {row["assignment__imro_id"]: row for row in p_imro}
        for row in by_type:
            found = types.get(row["review_type"], empty)
            row |= {key: found[key] for key in empty}
        for row in by_imro:
            found = imros.get(row["assignment__imro_id"], empty)
            row |= {key: found[key] for key in empty}
    return totals, by_type, by_imro


def _figures(sums: dict[str, object]) -> dict[str, object]:
    reviewed = sums["reviewed"] or 0
    return {
        "cases": sums["cases"] or 0,
        "reviewed": reviewed,
        "mean_hours": sums["turnaround_hours_sum"] / reviewed if reviewed else None,
        "cost": sums["cost"],
        "uncharged": sums["uncharged"] or 0,
    }


def _count_sums(data: SummaryData, dimension: str, *, by_month: bool = False) -> dict:
    sums: dict = {}
    for row in data.counts:
        if row["dimension"] != dimension:
            continue
        group = (row["month"], row["value"]) if by_month else row["value"]
        total = sums.setdefault(group, {"cases": 0, "met": 0, "missed": 0, "running": 0})
        for name in total:
            total[name] += row[name]
    return sums


def outcome_crosstab(data: SummaryData) -> list[dict[str, object]]:
    """Cases per (IMRO recommendation, CMO final decision), as selectors' crosstab."""
    cells = []
    for value, sums in _count_sums(data, SummaryCount.OUTCOME).items():
        recommendation, _, final = value.partition("|")
        cells.append(
            {
                "recommendation": recommendation or None,
                "final": final or None,
                "cases": sums["cases"],
            }
        )
    return sorted(cells, key=lambda cell: (cell["recommendation"] or "~", cell["final"] or "~"))


def clock_counts(data: SummaryData) -> list[dict[str, object]]:
    """Met, missed and running per (clock review type, clock name), as in selectors."""
    found = []
    for value, sums in _count_sums(data, SummaryCount.CLOCK).items():
        review_type, _, name = value.partition("|")
        found.append(
            {
                "review_type": review_type,
                "name": name,
                "met": sums["met"],
                "missed": sums["missed"],
                "running": sums["running"],
            }
        )
    return sorted(found, key=lambda row: (row["review_type"], row["name"]))


def month_figures(
    data: SummaryData, counted: frozenset[str]
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Cases per month "YYYY-MM", and (met, missed) of the clocks named in `counted`."""
    volume = {
        f"{month:%Y-%m}": sums["cases"] for (month,), sums in _sum_by(data.rows, "month").items()
    }
    clocks: dict[str, tuple[int, int]] = {}
    for (month, value), sums in _count_sums(data, SummaryCount.CLOCK, by_month=True).items():
        if value.partition("|")[2] not in counted:
            continue
        key = f"{month:%Y-%m}"
        met, missed = clocks.get(key, (0, 0))
        clocks[key] = (met + sums["met"], missed + sums["missed"])
    return volume, clocks


def circumstance_counts(data: SummaryData) -> list[tuple[int | None, int]]:
    found = [
        (int(value) if value else None, sums["cases"])
        for value, sums in _count_sums(data, SummaryCount.CIRCUMSTANCE).items()
    ]
    return sorted(found, key=lambda item: (item[0] is None, item[0] or 0))


def specialty_counts(data: SummaryData) -> list[tuple[str, int]]:
    found = [
        (specialty, sums["cases"]) for (specialty,), sums in _sum_by(data.rows, "specialty").items()
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def um5_cells(
    data: SummaryData, scope: QuerySet[Submission], *, now: datetime
) -> dict[tuple[str, str, str], Um5Cell]:
    """The UM 5 cells: the stored part per month plus the cases whose running plan clock
    has passed by `now` (from the facts, over running clocks only)."""
    cells: dict[tuple[str, str, str], Um5Cell] = {}
    for (review_type, month), sums in _sum_by(data.rows, "review_type", "month").items():
        key = f"{month:%Y-%m}"
        cells[(review_type, key, "decision")] = Um5Cell(
            sums["um5_decision_measured"], sums["um5_decision_on_time"]
        )
        cells[(review_type, key, "notice")] = Um5Cell(
            sums["um5_notice_measured"], sums["um5_notice_on_time"]
        )
    for key, pending in um5_figures(scope, now=now, pending_only=True).items():
        found = cells.get(key, Um5Cell(0, 0))
        cells[key] = Um5Cell(found.measured + pending.measured, found.on_time)
    return cells


def cms_stored(data: SummaryData) -> dict[str, dict[str, object]]:
    """The CMS-0057-F counts and mean hours per review type (the median comes later)."""
    stored = {}
    for (review_type,), sums in _sum_by(data.rows, "review_type").items():
        count = sums["cms_hours_count"]
        stored[review_type] = {
            "decided": sums["cms_decided"],
            "approved": sums["cms_approved"],
            "denied": sums["cms_denied"],
            "approved_after_appeal": sums["cms_approved_after_appeal"],
            "extended_cases": sums["cms_extended"],
            "approved_after_extension": sums["cms_approved_after_extension"],
            "mean_hours": sums["cms_hours_sum"] / count if count else None,
            "median_hours": None,
        }
    return stored
