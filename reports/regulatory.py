"""The report's regulatory-shaped sections: UM 5 timeliness (R-RPT-3) and the CMS-0057-F
decision metrics (R-RPT-4), over the same scope as the rest of the QUAC report.

Each section is one grouped query over the scope's submissions (plus, on SQLite, one
list of decision times for the median); what each word means is reports.definitions.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import (
    F,
    FilteredRelation,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Determination, Letter, Origin, Party, ReviewType
from reports.definitions import (
    APPROVED_OUTCOMES,
    CMS_DEFINITIONS,
    DECISION_TYPES,
    DENIED_OUTCOMES,
    PLAN_CLOCKS,
    UM5_DEFINITIONS,
    UM5_TARGET_SHARE,
    methodology,
)
from reports.expressions import HoursBetween
from reports.percentiles import percentile_cont
from reports.tables import Column, Table
from reviewers.models import Submission
from timelines.calendar import plan_zone
from timelines.models import Clock, ClockStatus

MEASURES = (("decision", "Decision"), ("notice", "Written notice"))


@dataclass(frozen=True)
class Um5Cell:
    measured: int
    on_time: int

    @property
    def share(self) -> float | None:
        return round(100 * self.on_time / self.measured, 1) if self.measured else None


# UM 5 (R-RPT-3) ------------------------------------------------------------------------


def um5_figures(
    scope: QuerySet[Submission], *, now: datetime, pending_only: bool = False
) -> dict[tuple[str, str, str], Um5Cell]:
    """{(review type, month "YYYY-MM", measure): cell} in one grouped query.

    The per-case times come from joins, not a lookup per case: the original
    determination (one per case, a unique constraint) and the plan clock (one per case,
    R-DL-14) join directly; the first member notice joins as one aggregate over the
    letters, since a case can have several.

    `pending_only` counts only what the summary table cannot hold because it depends on
    `now`: cases without the decision (notice) whose plan clock is still running and
    already due (measured, late). The rest is um5_summary_counts, stored per month.
    """
    zone = plan_zone()
    now_param = connection.ops.adapt_datetimefield_value(now)
    counts: list[str] = []
    params: tuple = ()
    if pending_only:
        scope = scope.filter(
            case_id__in=Clock.objects.running()
            .filter(name__in=PLAN_CLOCKS, due_at__lt=now)
            .values("case_id")
        )
        for measure in ("q_decided", "q_notice"):
            counts += [
                f"COUNT(*) FILTER (WHERE q_due IS NOT NULL AND {measure} IS NULL "
                "AND q_status = %s AND q_due < %s)",
                "0",
            ]
            params += (ClockStatus.RUNNING, now_param)
    else:
        for measure in ("q_decided", "q_notice"):
            counts += [
                f"COUNT(*) FILTER (WHERE q_due IS NOT NULL AND ({measure} IS NOT NULL "
                "OR q_due < %s))",
                f"COUNT(*) FILTER (WHERE q_due IS NOT NULL AND {measure} <= q_due)",
            ]
            params += (now_param,)
    rows = _um5_grouped(_um5_inner(scope), ("q_type", "q_month"), counts, params)
    cells: dict[tuple[str, str, str], Um5Cell] = {}
    for review_type, month, *figures in rows:
        key = _month_key(month, zone)
        for index, (measure, _) in enumerate(MEASURES):
            cells[(review_type, key, measure)] = Um5Cell(figures[2 * index], figures[2 * index + 1])
    return cells


def um5_summary_counts(keyed: QuerySet[Submission]) -> list[tuple]:
    """Per summary key (the k_* annotations of `keyed`, reports.summary): decisions
    measured and on time, notices measured and on time, counting what does not depend
    on when the report is read: a recorded decision (notice), or none yet while the plan
    clock is already missed. (A plan clock is met only by the resolution, which needs the
    signed determination and every notice, so a case without them has its clock running,
    missed or cancelled; the running ones are um5_figures(pending_only=True).)"""
    counts: list[str] = []
    params: tuple = ()
    for measure in ("q_decided", "q_notice"):
        counts += [
            f"COUNT(*) FILTER (WHERE q_due IS NOT NULL AND ({measure} IS NOT NULL "
            "OR q_status = %s))",
            f"COUNT(*) FILTER (WHERE q_due IS NOT NULL AND {measure} <= q_due)",
        ]
        params += (ClockStatus.MISSED,)
    keys = ("k_month", "k_type", "k_imro", "k_specialty")
    return _um5_grouped(_um5_inner(keyed, *keys), keys, counts, params)


def _um5_inner(scope: QuerySet[Submission], *extra: str) -> QuerySet:
    return (
        _with_original_and_plan_clock(scope)
        .annotate(
            q_case=F("case_id"),
            q_type=F("review_type"),
            q_month=TruncMonth("imro_received_at", tzinfo=plan_zone()),
            q_decided=F("original__signed_at"),
            q_due=F("plan_clock__due_at"),
            q_status=F("plan_clock__status"),
        )
        .values_list("q_case", "q_type", "q_month", "q_decided", "q_due", "q_status", *extra)
    )


def _um5_grouped(
    inner: QuerySet, group: tuple[str, ...], counts: list[str], params: tuple
) -> list[tuple]:
    letters = connection.ops.quote_name(Letter._meta.db_table)
    notices = (
        "LEFT JOIN (SELECT case_id AS n_case, MIN(sent_at) AS q_notice "  # noqa: S608
        f"FROM {letters} WHERE party = %s GROUP BY case_id) AS notices "
        "ON notices.n_case = per_case.q_case"
    )
    return grouped_over(inner, group, counts, params, join=notices, join_params=(Party.MEMBER,))


def _with_original_and_plan_clock(scope: QuerySet[Submission]) -> QuerySet[Submission]:
    return scope.annotate(
        original=FilteredRelation(
            "case__determinations",
            condition=Q(
                case__determinations__amends__isnull=True,
                case__determinations__signed_at__isnull=False,
            ),
        ),
        plan_clock=FilteredRelation(
            "case__clocks",
            condition=Q(case__clocks__name__in=PLAN_CLOCKS)
            & ~Q(case__clocks__status=ClockStatus.CANCELLED),
        ),
    )


def grouped_over(
    inner: QuerySet,
    group: tuple[str, ...],
    aggregates: list[str],
    params: tuple = (),
    *,
    join: str = "",
    join_params: tuple = (),
) -> list[tuple]:
    """Aggregates (SQL over the inner query's aliased columns) per `group`, computed over
    the compiled `inner` query as a derived table, optionally joined to more. The SQL
    pieces are code, never input; values travel as parameters, in order."""
    sql, inner_params = inner.order_by().query.sql_with_params()
    columns = ", ".join(group)
    outer = (
        f"SELECT {columns}, {', '.join(aggregates)} "  # noqa: S608 - code, not input
        f"FROM ({sql}) AS per_case {join} GROUP BY {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, (*params, *inner_params, *join_params))
        return cursor.fetchall()


def _month_key(value: object, zone) -> str:
    if isinstance(value, datetime):
        return f"{value.astimezone(zone) if timezone.is_aware(value) else value:%Y-%m}"
    return str(value)[:7]


def um5_tables(cells: dict[tuple[str, str, str], Um5Cell], months: list[str]) -> tuple[Table, ...]:
    """The range table (one row per decision type and measure) and the monthly table."""
    target = f"{UM5_TARGET_SHARE:.0f} %"
    range_rows = []
    for review_type, type_label in DECISION_TYPES:
        for measure, measure_label in MEASURES:
            total = _sum_cells(cells, review_type, measure, months)
            range_rows.append(
                (
                    type_label,
                    measure_label,
                    total.measured,
                    total.on_time,
                    total.measured - total.on_time,
                    total.share,
                    _meets(total.share),
                )
            )
    month_rows = []
    for month in months:
        for review_type, type_label in DECISION_TYPES:
            decision = cells.get((review_type, month, "decision"), Um5Cell(0, 0))
            notice = cells.get((review_type, month, "notice"), Um5Cell(0, 0))
            month_rows.append(
                (
                    month,
                    type_label,
                    decision.measured,
                    decision.on_time,
                    decision.share,
                    notice.measured,
                    notice.on_time,
                    notice.share,
                )
            )
    note = methodology(UM5_DEFINITIONS)
    return (
        Table(
            slug="um5_timeliness",
            title=f"UM 5 timeliness by decision type, against the {target} line",
            columns=(
                Column("decision_type", "Decision type"),
                Column("measure", "Measure"),
                Column("measured", "Cases measured", "count"),
                Column("on_time", "On time", "count"),
                Column("late", "Late", "count"),
                Column("on_time_share", "On time (%)", "share"),
                Column("meets_target", f"Meets {target}"),
            ),
            rows=tuple(range_rows),
            note=note,
        ),
        Table(
            slug="um5_by_month",
            title="UM 5 timeliness by month of IMRO receipt",
            columns=(
                Column("month", "Month"),
                Column("decision_type", "Decision type"),
                Column("decision_measured", "Decisions measured", "count"),
                Column("decision_on_time", "Decisions on time", "count"),
                Column("decision_share", "Decisions on time (%)", "share"),
                Column("notice_measured", "Notices measured", "count"),
                Column("notice_on_time", "Notices on time", "count"),
                Column("notice_share", "Notices on time (%)", "share"),
            ),
            rows=tuple(month_rows),
            note=f"Shares below {target} miss the UM 5 line; definitions as in the table above.",
        ),
    )


def _sum_cells(
    cells: dict[tuple[str, str, str], Um5Cell], review_type: str, measure: str, months: list[str]
) -> Um5Cell:
    parts = [cells.get((review_type, month, measure), Um5Cell(0, 0)) for month in months]
    return Um5Cell(sum(p.measured for p in parts), sum(p.on_time for p in parts))


def _meets(share: float | None) -> str:
    if share is None:
        return "no cases measured"
    return "yes" if share >= UM5_TARGET_SHARE else "no"


# CMS-0057-F (R-RPT-4) -------------------------------------------------------------------


_CMS_NAMES = (
    "decided",
    "approved",
    "denied",
    "approved_after_appeal",
    "extended_cases",
    "approved_after_extension",
)


def _cms_inner(scope: QuerySet[Submission], *extra: str) -> QuerySet:
    return (
        _with_original_and_plan_clock(scope)
        .annotate(
            q_case=F("case_id"),
            q_type=F("review_type"),
            q_hours=HoursBetween("case__received_at_plan", "original__signed_at"),
            q_origin=F("case__origin"),
        )
        .values_list("q_case", "q_type", "q_hours", "q_origin", *extra)
    )


def _cms_joins() -> str:
    determinations = connection.ops.quote_name(Determination._meta.db_table)
    clocks = connection.ops.quote_name(Clock._meta.db_table)
    # The final decision is the signed determination no later one replaces (an anti-join,
    # as in the outcome figures); an extension is any extended clock of the case.
    return (
        "LEFT JOIN (SELECT d.case_id AS f_case, d.outcome AS q_final "  # noqa: S608
        f"FROM {determinations} d WHERE d.signed_at IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM {determinations} l WHERE l.case_id = d.case_id "
        "AND l.signed_at IS NOT NULL AND (l.signed_at > d.signed_at "
        "OR (l.signed_at = d.signed_at AND l.id > d.id)))) AS finals "
        "ON finals.f_case = per_case.q_case "
        f"LEFT JOIN (SELECT DISTINCT case_id AS x_case FROM {clocks} WHERE extended) "
        "AS extensions ON extensions.x_case = per_case.q_case"
    )


def _cms_counts() -> tuple[list[str], list[object]]:
    """The counts of _CMS_NAMES as SQL over the per-case columns, and their parameters."""
    approved, denied = sorted(APPROVED_OUTCOMES), sorted(DENIED_OUTCOMES)

    def among(values: list[str]) -> str:
        return f"q_final IN ({', '.join(['%s'] * len(values))})"

    decided = "q_final IS NOT NULL"
    aggregates = [
        f"COUNT(*) FILTER (WHERE {decided})",
        f"COUNT(*) FILTER (WHERE {among(approved)})",
        f"COUNT(*) FILTER (WHERE {among(denied)})",
        f"COUNT(*) FILTER (WHERE {among(approved)} AND q_origin = %s)",
        f"COUNT(*) FILTER (WHERE {decided} AND x_case IS NOT NULL)",
        f"COUNT(*) FILTER (WHERE {among(approved)} AND x_case IS NOT NULL)",
    ]
    return aggregates, [*approved, *denied, *approved, Origin.APPEAL, *approved]


def cms_summary_counts(keyed: QuerySet[Submission]) -> list[tuple]:
    """Per summary key (the k_* annotations, reports.summary): the counts of _CMS_NAMES,
    then the sum and the count of the hours to decision over decided cases (the mean is
    their quotient; the median is computed from the facts when the report is read)."""
    aggregates, params = _cms_counts()
    aggregates += [
        "SUM(q_hours) FILTER (WHERE q_final IS NOT NULL)",
        "COUNT(q_hours) FILTER (WHERE q_final IS NOT NULL)",
    ]
    keys = ("k_month", "k_type", "k_imro", "k_specialty")
    return grouped_over(
        _cms_inner(keyed, *keys), keys, aggregates, tuple(params), join=_cms_joins()
    )


def cms_decision_hours(keyed: QuerySet[Submission]) -> list[tuple]:
    """Per case (after the k_* key columns): the hours from receipt at the plan to the
    original signed determination, for decided cases (None otherwise): the values the
    report's median time to decision is taken over, kept per case in the summary."""
    keys = ("k_month", "k_type", "k_imro", "k_specialty", "q_case")
    return grouped_over(
        _cms_inner(keyed, *keys[:4]),
        keys,
        ["MAX(q_hours) FILTER (WHERE q_final IS NOT NULL)"],
        join=_cms_joins(),
    )


def cms_table(
    scope: QuerySet[Submission],
    *,
    with_percentiles: bool,
    stored: dict[str, dict[str, object]] | None = None,
    medians: dict[str, float | None] | None = None,
) -> Table:
    """Decision metrics per review type in the CMS-0057-F public-reporting shape.

    One grouped query over a per-case inner query (final outcome, hours to the original
    decision, extended or not), so each per-case lookup runs once. With `stored` (the
    counts and mean per review type, summed from the summary table) only the median is
    computed from the facts, or not at all when `medians` (from the summary's per-case
    rows) are given.
    """
    inner = _cms_inner(scope)
    joins = _cms_joins()
    aggregates, params = _cms_counts()
    aggregates.append("AVG(q_hours) FILTER (WHERE q_final IS NOT NULL)")
    names = (*_CMS_NAMES, "mean_hours", "median_hours")
    median = (
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY q_hours) FILTER (WHERE q_final IS NOT NULL)"
    )
    if stored is not None:
        rows = {review_type: dict(row) for review_type, row in stored.items()}
        if medians is not None:
            for review_type, row in rows.items():
                row["median_hours"] = medians.get(review_type)
        elif with_percentiles:
            for review_type, value in grouped_over(inner, ("q_type",), [median], join=joins):
                if review_type in rows:
                    rows[review_type]["median_hours"] = value
    else:
        if with_percentiles:
            aggregates.append(median)
        rows = {
            review_type: dict(zip(names, figures, strict=False))
            for review_type, *figures in grouped_over(
                inner, ("q_type",), aggregates, tuple(params), join=joins
            )
        }
    if not with_percentiles and medians is None:
        # SQLite has no percentile_cont: the same interpolation over the decision times.
        times: dict[str, list[float]] = {}
        pairs = grouped_over(
            inner, ("q_type", "q_hours"), ["COUNT(*)"], join=joins + " WHERE q_final IS NOT NULL"
        )
        for review_type, hours, cases in pairs:
            if hours is not None:
                times.setdefault(review_type, []).extend([hours] * cases)
        for review_type, row in rows.items():
            row["median_hours"] = percentile_cont(times.get(review_type, []), 0.5)
    shaped = []
    for review_type, label in ReviewType.choices:
        row = rows.get(review_type)
        if row is None:
            shaped.append((label, 0, None, None, None, 0, None, None, None))
            continue
        whole = row["decided"]
        if not whole:
            shaped.append((label, 0, None, None, None, 0, None, None, None))
            continue
        shaped.append(
            (
                label,
                whole,
                _share(row["approved"], whole),
                _share(row["denied"], whole),
                _share(row["approved_after_appeal"], whole),
                row["extended_cases"],
                _share(row["approved_after_extension"], whole),
                _round(row["mean_hours"]),
                _round(row["median_hours"]),
            )
        )
    return Table(
        slug="cms_decision_metrics",
        title="Decision metrics in the CMS-0057-F public-reporting shape",
        columns=(
            Column("decision_type", "Decision type"),
            Column("decided", "Decided", "count"),
            Column("approved_share", "Approved (%)", "share"),
            Column("denied_share", "Denied (%)", "share"),
            Column("approved_after_appeal_share", "Approved after appeal (%)", "share"),
            Column("extended", "Time frame extended", "count"),
            Column("approved_after_extension_share", "Extended and approved (%)", "share"),
            Column("mean_hours", "Time to decision, mean (hours)", "hours"),
            Column("median_hours", "Time to decision, median (hours)", "hours"),
        ),
        rows=tuple(shaped),
        note="Methodology. " + methodology(CMS_DEFINITIONS),
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
