"""The QUAC report (R-RPT-1, R-RPT-2, policy VI.F.8): every figure computed by the database.

Scope: cases submitted to an IMRO or independent specialist whose complete file the
reviewer received (Submission.imro_received_at) within the range, in the plan's time
zone. Each query below aggregates over that scope; the number of queries is fixed, so
the cost of a report does not depend on Python looping over cases.

De-identification is structural: every query names its output columns with values()
or aggregates, and the only member column any of them selects is Member.internal_id
(for the list of missed clocks). No query touches practitioners or reviewers by person:
reviewers are grouped by IMRO, and independent specialists together (R-REF-6).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Circumstance, Determination, Outcome, ReferralCircumstance, ReviewType
from imr.dates import when_text
from reports import from_summary
from reports.expressions import BusinessDaysBetween, HoursBetween, PercentileCont
from reports.models import MonthSummary, ReportRun
from reports.params import INDEPENDENT, INDEPENDENT_LABEL, ReportParams
from reports.percentiles import percentiles_cont
from reports.regulatory import cms_table, um5_figures, um5_tables
from reports.tables import (
    NOT_AVAILABLE,
    Cell,
    Column,
    MonthFigure,
    QuacReport,
    Section,
    Table,
)
from reviewers.models import Imro, Recommendation, Submission
from timelines.calendar import business_calendar, plan_zone
from timelines.deadlines import BusinessCalendar
from timelines.models import Clock, ClockStatus
from timelines.rules import RULES, OnPass

# The CMO decision that agrees with each IMRO recommendation. The IMRO reviews the
# plan's denial, delay or modification: upholding it means the service stays denied,
# overturning it means it is approved, and a modification agrees with a modification.
AGREEMENT: dict[str, str] = {
    Recommendation.UPHOLD: Outcome.DENY,
    Recommendation.OVERTURN: Outcome.APPROVE,
    Recommendation.MODIFY: Outcome.MODIFY,
}
# Clocks that measure the plan's own work rather than a regulatory deadline (R-DL-12);
# listed per clock but kept out of the headline share and the monthly chart.
INTERNAL_CLOCKS = frozenset(rule.name for rule in RULES if not rule.regulatory)
# The headline and the monthly chart count the breach clocks only: regulatory deadlines
# whose passing is a breach, the clocks a review's timeliness is judged by
# (cases/services/review.py). The regulatory targets that only warn when passed (the
# retrospective 5-business-day IMRO target, R-DL-6; the federal 30-day count) have
# their own line in the summary, "targets passed (warning only)".
BREACH_CLOCKS = frozenset(
    rule.name for rule in RULES if rule.regulatory and rule.on_pass == OnPass.BREACH
)
WARNING_TARGETS = frozenset(
    rule.name for rule in RULES if rule.regulatory and rule.on_pass == OnPass.WARNING
)
CLOCK_LABELS = {
    (review_type, rule.name): rule.label for rule in RULES for review_type in rule.review_types
}
NOT_RECEIVED = "No review received yet"
NOT_SIGNED = "No signed determination yet"


def percentiles_available() -> bool:
    """Whether the database has percentile_cont (PostgreSQL). Without it (the embedded
    SQLite default) the same percentiles are computed in Python from the review times
    (reports.percentiles), so every figure shows on either database."""
    return connection.vendor == "postgresql"


def report_scope(params: ReportParams) -> QuerySet[Submission]:
    """The submissions the report covers."""
    start, end = params.window()
    submissions = Submission.objects.filter(imro_received_at__gte=start, imro_received_at__lt=end)
    if params.review_type:
        submissions = submissions.filter(review_type=params.review_type)
    if params.circumstance is not None:
        submissions = submissions.filter(
            Exists(
                ReferralCircumstance.objects.filter(
                    case_id=OuterRef("case_id"), circumstance=params.circumstance
                )
            )
        )
    if params.specialty:
        submissions = submissions.filter(case__specialty=params.specialty)
    if params.imro == INDEPENDENT:
        submissions = submissions.filter(assignment__imro__isnull=True)
    elif params.imro_id is not None:
        submissions = submissions.filter(assignment__imro_id=params.imro_id)
    return submissions


def quac_report(
    params: ReportParams,
    *,
    now: datetime | None = None,
    missed_limit: int | None = None,
    use_summary: bool = True,
    regulatory: bool = True,
) -> QuacReport:
    """All figures of the QUAC report for `params`, in a fixed number of queries.

    `missed_limit` caps the list of missed clocks (the page and the PDF show the first
    ones by due time; the CSV and the API carry them all). The sums come from the
    per-month summary table (reports.summary) when it can answer the parameters (whole
    months, no circumstance filter); `use_summary=False` computes every figure from the
    facts (the reference the summary is tested against, and the benchmark's "before").
    `regulatory=False` leaves out the UM 5 and CMS-0057-F sections (the benchmark times
    the QUAC sections alone with it).
    """
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            # The report's queries are large enough that PostgreSQL JIT-compiles them,
            # and at 20,000 cases compiling took longer than running (2 s of 2.5 s for
            # the UM 5 query): off for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _quac_report(
            params,
            now=now,
            missed_limit=missed_limit,
            use_summary=use_summary,
            regulatory=regulatory,
        )


def _quac_report(
    params: ReportParams,
    *,
    now: datetime | None,
    missed_limit: int | None,
    use_summary: bool,
    regulatory: bool,
) -> QuacReport:
    now = now or timezone.now()
    scope = report_scope(params)
    in_database = percentiles_available()
    rows = (
        from_summary.summary_data(params)
        if use_summary and from_summary.summary_answers(params, now=now)
        else None
    )
    if rows is None:
        totals, by_type, by_imro = _grouped_figures(scope, _case_figures(in_database))
        outcomes = _outcome_figures(scope)
        per_clock = _per_clock_counts(scope)
        by_circumstance = _by_circumstance(scope)
        by_specialty = _by_specialty(scope)
        months = _months(params, scope)
        um5 = um5_figures(scope, now=now) if regulatory else {}
        cms = cms_table(scope, with_percentiles=in_database) if regulatory else None
    else:
        percentiles = from_summary.stored_percentiles(rows) if in_database else None
        totals, by_type, by_imro = from_summary.grouped_figures(rows, percentiles)
        outcomes = _outcome_totals(from_summary.outcome_crosstab(rows))
        per_clock = from_summary.clock_counts(rows)
        by_circumstance = _circumstance_labels(from_summary.circumstance_counts(rows))
        by_specialty = [
            (name or "Not recorded", cases) for name, cases in from_summary.specialty_counts(rows)
        ]
        months = _month_figures(params, *from_summary.month_figures(rows, BREACH_CLOCKS))
        um5 = from_summary.um5_cells(rows, scope, now=now) if regulatory else {}
        cms = (
            cms_table(
                scope,
                with_percentiles=in_database,
                stored=from_summary.cms_stored(rows),
                medians=from_summary.cms_medians(rows) if in_database else None,
            )
            if regulatory
            else None
        )
    if not in_database:
        _percentiles_in_python(scope, totals, by_type, by_imro)
    # Every figure is available now, from the database or from Python.
    with_percentiles = True
    clocks = _clock_figures(
        scope,
        per_clock,
        now=now,
        missed_limit=missed_limit,
        late=None if rows is None else from_summary.late_clocks(rows, now=now),
        overdue=None if rows is None else from_summary.overdue_counts(rows, now=now),
    )

    summary = _summary_table(totals, outcomes, clocks["overall"], with_percentiles)
    sections = (
        Section(
            "Volume",
            (
                _volume_table(
                    "volume_by_review_type",
                    "Cases by review type",
                    "Review type",
                    [(_review_type_label(r["review_type"]), r["cases"]) for r in by_type],
                ),
                _volume_table(
                    "volume_by_circumstance",
                    "Cases by referral circumstance (VI.B)",
                    "Circumstance",
                    by_circumstance,
                    note="A case referred under several circumstances counts once "
                    "under each, so this table can add up to more than the cases.",
                ),
                _volume_table(
                    "volume_by_specialty", "Cases by specialty", "Specialty", by_specialty
                ),
                _volume_table(
                    "volume_by_imro",
                    "Cases by IMRO",
                    "IMRO",
                    [(_imro_label(r), r["cases"]) for r in by_imro],
                ),
            ),
        ),
        Section(
            "Turnaround: IMRO receipt to review received",
            (
                _turnaround_table(
                    "turnaround_by_review_type",
                    "By review type",
                    "Review type",
                    [(_review_type_label(r["review_type"]), r) for r in by_type],
                    with_percentiles,
                ),
                _turnaround_table(
                    "turnaround_by_imro",
                    "By IMRO",
                    "IMRO",
                    [(_imro_label(r), r) for r in by_imro],
                    with_percentiles,
                ),
            ),
        ),
        Section("Timeliness", (clocks["per_clock"], clocks["missed"])),
        Section("Outcomes", _outcome_tables(outcomes)),
        Section(
            "Cost to the plan",
            (
                _cost_table(
                    "cost_by_review_type",
                    "By review type",
                    "Review type",
                    [(_review_type_label(r["review_type"]), r) for r in by_type],
                ),
                _cost_table(
                    "cost_by_imro", "By IMRO", "IMRO", [(_imro_label(r), r) for r in by_imro]
                ),
            ),
        ),
    )
    regulatory_sections = (
        (
            Section(
                "UM 5 timeliness: decisions and written notices (R-RPT-3)",
                um5_tables(um5, [m.month for m in months]),
            ),
            Section("Decision metrics, CMS-0057-F shape (R-RPT-4)", (cms,)),
        )
        if cms is not None
        else ()
    )
    sections = (*sections, Section("By month", (_month_table(months),)), *regulatory_sections)
    return QuacReport(
        params=params,
        generated_at=now,
        percentiles_available=with_percentiles,
        cases=totals["cases"],
        summary=summary,
        sections=sections,
        months=tuple(months),
    )


def recent_report_runs(*, limit: int = 25) -> list[ReportRun]:
    """The saved-report history, newest first."""
    return list(ReportRun.objects.select_related("pulled_by")[:limit])


def report_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Choices for the IMRO and specialty filters (two queries, whatever the case count)."""
    imros = [
        (str(pk), name) for pk, name in Imro.objects.order_by("name").values_list("pk", "name")
    ]
    # The specialties of submitted cases, from the summary table (one row per month,
    # review type, IMRO and specialty: a few thousand rows, where the submissions joined
    # to their cases cost about 0.3 s at 200,000 cases); from the facts while the
    # summary is empty (not built yet).
    specialties = (
        MonthSummary.objects.order_by("specialty").values_list("specialty", flat=True).distinct()
    )
    if not MonthSummary.objects.exists():
        specialties = (
            Submission.objects.order_by("case__specialty")
            .values_list("case__specialty", flat=True)
            .distinct()
        )
    return {
        "imro": [*imros, (INDEPENDENT, INDEPENDENT_LABEL)],
        "specialty": [(name, name) for name in specialties if name],
    }


# Queries ------------------------------------------------------------------------------


def _case_figures(with_percentiles: bool) -> dict[str, object]:
    """The aggregates computed over a group of submissions (all, per review type, per IMRO)."""
    hours = HoursBetween("imro_received_at", "case__review__received_at")
    figures: dict[str, object] = {
        "cases": Count("pk"),
        "reviewed": Count("case__review"),
        "mean_hours": Avg(hours),
        "cost": Sum("charge_to_plan"),
        "uncharged": Count("pk", filter=Q(charge_to_plan__isnull=True)),
    }
    if with_percentiles:
        days = BusinessDaysBetween(
            "imro_received_at", "case__review__received_at", zone=plan_zone().key
        )
        figures |= {
            "hours_percentiles": PercentileCont(hours, fractions=(0.5, 0.9)),
            "days_percentiles": PercentileCont(days, fractions=(0.5, 0.9)),
        }
    return figures


def _grouped_figures(
    scope: QuerySet[Submission], figures: dict[str, object]
) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    """The case figures for all submissions, per review type and per IMRO.

    On PostgreSQL one GROUPING SETS query: the scope is read, joined and its business
    days computed once instead of three times. The ORM has no GROUPING SETS, so the
    query the ORM compiles for the finest grouping gets its GROUP BY replaced.
    """
    type_key, imro_keys = "review_type", ("assignment__imro_id", "assignment__imro__name")
    if connection.vendor != "postgresql":
        return (
            scope.aggregate(**figures),
            list(scope.values(type_key).annotate(**figures).order_by(type_key)),
            list(
                scope.values(*imro_keys)
                .annotate(**figures)
                .order_by(F("assignment__imro__name").asc(nulls_last=True))
            ),
        )
    query = scope.values(type_key, *imro_keys).annotate(**figures).order_by()
    compiler = query.query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    head, _, _ = sql.rpartition(" GROUP BY ")  # Django groups by select-list positions
    # The first three select items are the values() columns, as compiled (no parameters).
    type_column, imro_id_column, imro_name_column = (item[1][0] for item in compiler.select[:3])
    select = (
        f"SELECT GROUPING({type_column}) AS grouped_out_type, "
        f"GROUPING({imro_id_column}) AS grouped_out_imro, "
    )
    sql = (
        select
        + head.removeprefix("SELECT ")
        + f" GROUP BY GROUPING SETS ((), ({type_column}), ({imro_id_column}, {imro_name_column}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    totals: dict[str, object] = {}
    by_type, by_imro = [], []
    for row in rows:
        out_type, out_imro = row.pop("grouped_out_type"), row.pop("grouped_out_imro")
        if out_type and out_imro:
            totals = {key: row[key] for key in figures}
        elif out_imro:
            by_type.append({key: row[key] for key in (type_key, *figures)})
        else:
            by_imro.append({key: row[key] for key in (*imro_keys, *figures)})
    by_type.sort(key=lambda row: row[type_key])
    by_imro.sort(key=lambda row: (row[imro_keys[1]] is None, row[imro_keys[1]] or ""))
    return totals, by_type, by_imro


def _percentiles_in_python(
    scope: QuerySet[Submission],
    totals: dict[str, object],
    by_type: list[dict[str, object]],
    by_imro: list[dict[str, object]],
) -> None:
    """The turnaround percentiles where the database has no percentile_cont (SQLite):
    one read of the scope's (review type, IMRO, IMRO receipt, review received) pairs, the
    same interpolation as percentile_cont and the same business-day count as
    BusinessDaysBetween (the day of IMRO receipt not counted; weekends and holidays
    skipped), added to the rows in place."""
    calendar = business_calendar()
    groups: dict[tuple[str, object], tuple[list[float], list[float]]] = {}
    pairs = scope.filter(case__review__isnull=False).values_list(
        "review_type", "assignment__imro_id", "imro_received_at", "case__review__received_at"
    )
    for review_type, imro_id, start, end in pairs:
        hours = (end - start).total_seconds() / 3600
        days = float(_business_days_between(start, end, calendar))
        for key in (("all", None), ("type", review_type), ("imro", imro_id)):
            hour_list, day_list = groups.setdefault(key, ([], []))
            hour_list.append(hours)
            day_list.append(days)

    def attach(row: dict[str, object], key: tuple[str, object]) -> None:
        hour_list, day_list = groups.get(key, ([], []))
        row["hours_percentiles"] = percentiles_cont(hour_list, (0.5, 0.9))
        row["days_percentiles"] = percentiles_cont(day_list, (0.5, 0.9))

    attach(totals, ("all", None))
    for row in by_type:
        attach(row, ("type", row["review_type"]))
    for row in by_imro:
        attach(row, ("imro", row["assignment__imro_id"]))


def _business_days_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> int:
    first, last = calendar.local(start).date(), calendar.local(end).date()
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += calendar.is_business_day(day)
    return sign * count


def _outcome_figures(scope: QuerySet[Submission]) -> dict[str, object]:
    """Cases per (IMRO recommendation, CMO final decision): one grouped query.

    At most 4 × 4 cells come back; the recommendation and decision counts and the
    agreement share are sums of those cells. (An aggregate with one FILTER per figure
    would make PostgreSQL run the final-decision subquery once per figure and per case.)
    """
    signed = Determination.objects.filter(signed_at__isnull=False)
    # The final decision is the signed determination no later one replaces: an anti-join
    # PostgreSQL runs as one hash join, where a "latest per case" subquery ran per case.
    later = signed.filter(case_id=OuterRef("case_id")).filter(
        Q(signed_at__gt=OuterRef("signed_at"))
        | Q(signed_at=OuterRef("signed_at"), pk__gt=OuterRef("pk"))
    )
    decided = list(
        signed.filter(case_id__in=scope.values("case_id"))
        .exclude(Exists(later))
        .values(recommendation=F("case__review__recommendation"), final=F("outcome"))
        .annotate(cases=Count("pk"))
        .order_by()
    )
    undecided = list(
        scope.exclude(Exists(signed.filter(case_id=OuterRef("case_id"))))
        .values(recommendation=F("case__review__recommendation"))
        .annotate(cases=Count("pk"))
        .order_by()
    )
    crosstab = sorted(
        [*decided, *({**row, "final": None} for row in undecided)],
        key=lambda cell: (cell["recommendation"] or "~", cell["final"] or "~"),
    )
    return _outcome_totals(crosstab)


def _outcome_totals(crosstab: list[dict[str, object]]) -> dict[str, object]:
    """The recommendation and decision counts and the agreement, summed from the cells."""
    totals: dict[str, int] = {f"rec_{value}": 0 for value in Recommendation.values}
    totals |= {f"final_{value}": 0 for value in Outcome.values}
    totals |= {"rec_none": 0, "final_none": 0, "compared": 0, "agreed": 0}
    for cell in crosstab:
        recommendation, final, cases = cell["recommendation"], cell["final"], cell["cases"]
        totals[f"rec_{recommendation or 'none'}"] += cases
        totals[f"final_{final or 'none'}"] += cases
        if recommendation and final:
            totals["compared"] += cases
            totals["agreed"] += cases if AGREEMENT.get(recommendation) == final else 0
    return {"totals": totals, "crosstab": crosstab}


def _scope_clocks(scope: QuerySet[Submission]) -> QuerySet[Clock]:
    return Clock.objects.filter(case_id__in=scope.values("case_id")).exclude(
        status=ClockStatus.CANCELLED
    )


def _per_clock_counts(scope: QuerySet[Submission]) -> list[dict[str, object]]:
    """Met, missed and running per (clock review type, clock name), from the facts."""
    return list(
        _scope_clocks(scope)
        .values("review_type", "name")
        .annotate(
            met=Count("pk", filter=Q(status=ClockStatus.MET)),
            missed=Count("pk", filter=Q(status=ClockStatus.MISSED)),
            running=Count("pk", filter=Q(status=ClockStatus.RUNNING)),
        )
        .order_by("review_type", "name")
    )


def _clock_figures(
    scope: QuerySet[Submission],
    per_clock: list[dict[str, object]],
    *,
    now: datetime,
    missed_limit: int | None,
    late: QuerySet | None = None,
    overdue: dict[tuple[str, str], int] | None = None,
) -> dict[str, object]:
    """The per-clock table with the running clocks already overdue at `now`, the headline
    sums and the list of missed clocks; `late` and `overdue` as the summary's clock rows
    give them, else from the facts (the running clocks by their partial index)."""
    if overdue is None:
        overdue = {
            (row["review_type"], row["name"]): row["overdue"]
            for row in Clock.objects.running()
            .filter(case_id__in=scope.values("case_id"), due_at__lt=now)
            .values("review_type", "name")
            .annotate(overdue=Count("pk"))
            .order_by()
        }
    per_clock = [
        {**row, "overdue": overdue.get((row["review_type"], row["name"]), 0)} for row in per_clock
    ]
    # The headline counts the breach clocks (a regulatory deadline whose passing is a
    # breach), as the review's timeliness does; the warning-only targets are summed on
    # their own line. A sum of the per-clock rows, not another scan.
    overall = {
        key: sum(row[key] for row in per_clock if row["name"] in BREACH_CLOCKS)
        for key in ("met", "missed", "running", "overdue")
    }
    overall["targets_passed"] = sum(
        row["missed"] for row in per_clock if row["name"] in WARNING_TARGETS
    )
    late = (
        late
        if late is not None
        else (
            _scope_clocks(scope)
            .filter(Q(status=ClockStatus.MISSED) | Q(status=ClockStatus.RUNNING, due_at__lt=now))
            # Sorted on a computed value on purpose: ordered by the bare column, PostgreSQL
            # walks the due_at index from the oldest clock of all years, testing each
            # against the scope; the scope's late clocks are few enough to sort.
            .annotate(
                due=ExpressionWrapper(F("due_at") + timedelta(0), output_field=DateTimeField())
            )
            .values(
                "review_type",
                "name",
                "status",
                "due_at",
                "stopped_at",
                internal_id=F("case__member__internal_id"),
            )
            .order_by("due", "pk")
        )
    )
    late_total = sum(row["missed"] + row["overdue"] for row in per_clock)
    return {
        "overall": overall,
        "per_clock": _per_clock_table(per_clock),
        "missed": _missed_table(
            list(late if missed_limit is None else late[:missed_limit]), late_total
        ),
    }


def _by_circumstance(scope: QuerySet[Submission]) -> list[tuple[str, int]]:
    rows = (
        scope.values("case__circumstances__circumstance")
        .annotate(cases=Count("pk"))
        .order_by(F("case__circumstances__circumstance").asc(nulls_last=True))
    )
    return _circumstance_labels(
        [(row["case__circumstances__circumstance"], row["cases"]) for row in rows]
    )


def _circumstance_labels(rows: list[tuple[int | None, int]]) -> list[tuple[str, int]]:
    return [
        (Circumstance(value).label if value is not None else "Not recorded", cases)
        for value, cases in rows
    ]


def _by_specialty(scope: QuerySet[Submission]) -> list[tuple[str, int]]:
    rows = (
        scope.values("case__specialty")
        .annotate(cases=Count("pk"))
        .order_by("-cases", "case__specialty")
    )
    return [(row["case__specialty"] or "Not recorded", row["cases"]) for row in rows]


def _months(params: ReportParams, scope: QuerySet[Submission]) -> list[MonthFigure]:
    """Volume and breach-clock timeliness per month of IMRO receipt (plan time zone).

    Months with no case appear with zeros so the charts keep a steady time axis.
    """
    zone = plan_zone()
    volume = {
        _month_key(row["month"], zone): row["cases"]
        for row in scope.annotate(month=TruncMonth("imro_received_at", tzinfo=zone))
        .values("month")
        .annotate(cases=Count("pk"))
        .order_by("month")
    }
    clocks = (
        Clock.objects.filter(case_id__in=scope.values("case_id"), name__in=BREACH_CLOCKS)
        .annotate(month=TruncMonth("case__submission__imro_received_at", tzinfo=zone))
        .values("month")
        .annotate(
            met=Count("pk", filter=Q(status=ClockStatus.MET)),
            missed=Count("pk", filter=Q(status=ClockStatus.MISSED)),
        )
        .order_by("month")
    )
    timeliness = {_month_key(row["month"], zone): (row["met"], row["missed"]) for row in clocks}
    return _month_figures(params, volume, timeliness)


def _month_figures(
    params: ReportParams, volume: dict[str, int], timeliness: dict[str, tuple[int, int]]
) -> list[MonthFigure]:
    figures = []
    for month in params.months():
        key = f"{month:%Y-%m}"
        met, missed = timeliness.get(key, (0, 0))
        figures.append(MonthFigure(key, f"{month:%b %Y}", volume.get(key, 0), met, missed))
    return figures


def _month_key(value: datetime | date, zone) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(zone) if timezone.is_aware(value) else value
    return f"{value:%Y-%m}"


# Shaping ------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# Figure name -> (aggregate holding [median, 90th percentile], position in it).
_PERCENTILES = {
    "median_hours": ("hours_percentiles", 0),
    "p90_hours": ("hours_percentiles", 1),
    "median_days": ("days_percentiles", 0),
    "p90_days": ("days_percentiles", 1),
}


def _percentile(row: dict[str, object], key: str, with_percentiles: bool) -> Cell:
    if not with_percentiles:
        return NOT_AVAILABLE
    aggregate, position = _PERCENTILES[key]
    values = row[aggregate]  # None when the group has no review yet
    return _round(values[position]) if values else None  # type: ignore[index]


def _money(value: Decimal | None) -> Decimal:
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def _review_type_label(value: str) -> str:
    return ReviewType(value).label if value in ReviewType.values else value


def _imro_label(row: dict[str, object]) -> str:
    return str(row["assignment__imro__name"] or INDEPENDENT_LABEL)


def _summary_table(
    totals: dict[str, object],
    outcomes: dict[str, object],
    clocks: dict[str, int],
    with_percentiles: bool,
) -> Table:
    outcome = outcomes["totals"]
    decided = clocks["met"] + clocks["missed"]
    rows: list[tuple[str, Cell]] = [
        ("Cases submitted (IMRO receipt in range)", totals["cases"]),
        ("Reviews received", totals["reviewed"]),
        ("Turnaround, mean (hours)", _round(totals["mean_hours"])),
        ("Turnaround, median (hours)", _percentile(totals, "median_hours", with_percentiles)),
        ("Turnaround, 90th percentile (hours)", _percentile(totals, "p90_hours", with_percentiles)),
        (
            "Turnaround, median (business days)",
            _percentile(totals, "median_days", with_percentiles),
        ),
        (
            "Turnaround, 90th percentile (business days)",
            _percentile(totals, "p90_days", with_percentiles),
        ),
        ("Regulatory clocks met", clocks["met"]),
        ("Regulatory clocks missed", clocks["missed"]),
        ("Regulatory clocks met (%)", _share(clocks["met"], decided)),
        ("Regulatory clocks still running, overdue", clocks["overdue"]),
        ("Regulatory targets passed (warning only)", clocks["targets_passed"]),
        ("Cases with a review and a signed determination", outcome["compared"]),
        ("CMO decision agrees with the IMRO (%)", _share(outcome["agreed"], outcome["compared"])),
        ("Cost to the plan, total", _money(totals["cost"])),
        ("Cases with no charge recorded", totals["uncharged"]),
    ]
    return Table(
        slug="summary",
        title="Summary",
        columns=(Column("figure", "Figure"), Column("value", "Value", "number")),
        rows=tuple(rows),
    )


def _volume_table(
    slug: str, title: str, label: str, rows: list[tuple[str, int]], note: str = ""
) -> Table:
    return Table(
        slug=slug,
        title=title,
        columns=(Column("group", label), Column("cases", "Cases", "count")),
        rows=tuple(rows),
        note=note,
    )


def _turnaround_table(
    slug: str,
    title: str,
    label: str,
    groups: list[tuple[str, dict[str, object]]],
    with_percentiles: bool,
) -> Table:
    columns = (
        Column("group", label),
        Column("reviewed", "Reviews received", "count"),
        Column("mean_hours", "Mean (hours)", "hours"),
        Column("median_hours", "Median (hours)", "hours"),
        Column("p90_hours", "90th percentile (hours)", "hours"),
        Column("median_days", "Median (business days)", "days"),
        Column("p90_days", "90th percentile (business days)", "days"),
    )
    rows = tuple(
        (
            name,
            row["reviewed"],
            _round(row["mean_hours"]),  # type: ignore[arg-type]
            _percentile(row, "median_hours", with_percentiles),
            _percentile(row, "p90_hours", with_percentiles),
            _percentile(row, "median_days", with_percentiles),
            _percentile(row, "p90_days", with_percentiles),
        )
        for name, row in groups
    )
    note = (
        "Business days as the deadline rules count them: the day of IMRO receipt is not "
        "counted; weekends and the plan's holidays are skipped."
    )
    if not with_percentiles:
        note += " Medians and percentiles need PostgreSQL: not available on SQLite."
    return Table(slug=slug, title=title, columns=columns, rows=rows, note=note)


def _cost_table(
    slug: str, title: str, label: str, groups: list[tuple[str, dict[str, object]]]
) -> Table:
    columns = (
        Column("group", label),
        Column("cases", "Cases", "count"),
        Column("cost", "Cost to the plan", "money"),
        Column("uncharged", "Cases with no charge recorded", "count"),
    )
    rows = tuple(
        (name, row["cases"], _money(row["cost"]), row["uncharged"])  # type: ignore[arg-type]
        for name, row in groups
    )
    return Table(
        slug=slug,
        title=title,
        columns=columns,
        rows=rows,
        note="The member and the provider are never charged (VI.E); this is the plan's cost.",
    )


def _per_clock_table(rows: list[dict[str, object]]) -> Table:
    columns = (
        Column("review_type", "Review type"),
        Column("clock", "Clock"),
        Column("met", "Met", "count"),
        Column("missed", "Missed", "count"),
        Column("met_share", "Met (%)", "share"),
        Column("running", "Still running", "count"),
        Column("overdue", "Running and overdue", "count"),
    )
    shaped = tuple(
        (
            _review_type_label(str(row["review_type"])),
            _clock_label(str(row["review_type"]), str(row["name"])),
            row["met"],
            row["missed"],
            _share(row["met"], row["met"] + row["missed"]),  # type: ignore[operator]
            row["running"],
            row["overdue"],
        )
        for row in rows
    )
    return Table(
        slug="timeliness_by_clock",
        title="Clocks met, per clock and review type",
        columns=columns,
        rows=shaped,  # type: ignore[arg-type]
        note="Met (%) is met ÷ (met + missed); running clocks are not yet decided. "
        "Cancelled clocks are left out.",
    )


def _missed_table(rows: list[dict[str, object]], total: int) -> Table:
    zone = plan_zone()
    columns = (
        Column("internal_id", "Internal identifier"),
        Column("review_type", "Review type"),
        Column("clock", "Clock"),
        Column("status", "Status"),
        Column("due_at", "Due"),
        Column("stopped_at", "Stopped"),
    )
    shaped = tuple(
        (
            str(row["internal_id"]),
            _review_type_label(str(row["review_type"])),
            _clock_label(str(row["review_type"]), str(row["name"])),
            _late_status(str(row["name"]), str(row["status"])),
            _local(row["due_at"], zone),  # type: ignore[arg-type]
            _local(row["stopped_at"], zone),  # type: ignore[arg-type]
        )
        for row in rows
    )
    return Table(
        slug="missed_clocks",
        title="Missed clocks, by internal identifier",
        columns=columns,
        rows=shaped,
        note="Cases appear by the internal patient identifier only.",
        more=total - len(shaped),
    )


def _late_status(name: str, status: str) -> str:
    if status != ClockStatus.MISSED:
        return "running, overdue"
    return "target passed (warning only)" if name in WARNING_TARGETS else "missed"


def _outcome_tables(outcomes: dict[str, object]) -> tuple[Table, ...]:
    totals = outcomes["totals"]
    recommendations = Table(
        slug="imro_recommendations",
        title="IMRO recommendations",
        columns=(Column("recommendation", "Recommendation"), Column("cases", "Cases", "count")),
        rows=(
            *((label, totals[f"rec_{value}"]) for value, label in Recommendation.choices),
            (NOT_RECEIVED, totals["rec_none"]),
        ),
    )
    decisions = Table(
        slug="cmo_decisions",
        title="CMO final decisions",
        columns=(Column("decision", "Decision"), Column("cases", "Cases", "count")),
        rows=(
            *((label, totals[f"final_{value}"]) for value, label in Outcome.choices),
            (NOT_SIGNED, totals["final_none"]),
        ),
        note="The latest signed determination of each case: an amendment replaces the "
        "determination it corrects.",
    )
    agreement = Table(
        slug="agreement",
        title="Agreement of the CMO's decision with the IMRO",
        columns=(
            Column("recommendation", "IMRO recommendation"),
            Column("decision", "CMO final decision"),
            Column("cases", "Cases", "count"),
            Column("agrees", "Agrees"),
        ),
        rows=tuple(
            (
                Recommendation(row["recommendation"]).label
                if row["recommendation"]
                else NOT_RECEIVED,
                Outcome(row["final"]).label if row["final"] else NOT_SIGNED,
                row["cases"],
                _agrees(row["recommendation"], row["final"]),
            )
            for row in outcomes["crosstab"]
        ),
        note=(
            f"Agreement: uphold ↔ deny, overturn ↔ approve, modify ↔ modify. "
            f"{totals['agreed']} of {totals['compared']} cases with both agree "
            f"({_share(totals['agreed'], totals['compared']) or 0}%)."
        ),
    )
    return recommendations, decisions, agreement


def _agrees(recommendation: str | None, final: str | None) -> str:
    if not recommendation or not final:
        return "not comparable yet"
    return "yes" if AGREEMENT.get(recommendation) == final else "no"


def _month_table(months: list[MonthFigure]) -> Table:
    return Table(
        slug="by_month",
        title="Volume and timeliness by month of IMRO receipt",
        columns=(
            Column("month", "Month"),
            Column("cases", "Cases", "count"),
            Column("met", "Regulatory clocks met", "count"),
            Column("missed", "Regulatory clocks missed", "count"),
            Column("met_share", "Met (%)", "share"),
        ),
        rows=tuple((m.month, m.cases, m.met, m.missed, m.met_share) for m in months),
    )


def _clock_label(review_type: str, name: str) -> str:
    label = CLOCK_LABELS.get((review_type, name), name)
    if name in INTERNAL_CLOCKS:
        return f"{label}, not regulatory"
    return f"{label}, warning only" if name in WARNING_TARGETS else label


def _local(value: datetime | None, zone) -> str | None:
    # The one date format of the pages (imr/dates.py), in the page, CSV and PDF alike.
    return when_text(value.astimezone(zone)) if value else None
