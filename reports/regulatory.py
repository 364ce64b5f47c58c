"""The report's regulatory-shaped sections: UM 5 timeliness (R-RPT-3) and the CMS-0057-F
decision metrics (R-RPT-4), over the same scope as the rest of the QUAC report.

Each section is one grouped query over the scope's submissions (plus, on SQLite, one
list of decision times for the median); what each word means is reports.definitions.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncMonth

from cases.models import Determination, Letter, Party, ReviewType
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
from reports.expressions import HoursBetween, PercentileCont
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


def _original_signed_at() -> Subquery:
    """When the CMO signed the case's original determination (amendments do not count)."""
    return Subquery(
        Determination.objects.filter(
            case_id=OuterRef("case_id"), amends__isnull=True, signed_at__isnull=False
        ).values("signed_at")[:1],
        output_field=DateTimeField(),
    )


def _first_member_notice_at() -> Subquery:
    return Subquery(
        Letter.objects.filter(case_id=OuterRef("case_id"), party=Party.MEMBER)
        .order_by("sent_at")
        .values("sent_at")[:1],
        output_field=DateTimeField(),
    )


def _plan_due_at() -> Subquery:
    return Subquery(
        Clock.objects.filter(case_id=OuterRef("case_id"), name__in=PLAN_CLOCKS)
        .exclude(status=ClockStatus.CANCELLED)
        .order_by("due_at")
        .values("due_at")[:1],
        output_field=DateTimeField(),
    )


# UM 5 (R-RPT-3) ------------------------------------------------------------------------


def um5_figures(
    scope: QuerySet[Submission], *, now: datetime
) -> dict[tuple[str, str, str], Um5Cell]:
    """{(review type, month "YYYY-MM", measure): cell} in one grouped query."""
    zone = plan_zone()
    rows = (
        scope.annotate(
            decided_at=_original_signed_at(),
            notice_at=_first_member_notice_at(),
            due=_plan_due_at(),
            month=TruncMonth("imro_received_at", tzinfo=zone),
        )
        .values("review_type", "month")
        .annotate(**_um5_counts(now))
        .order_by()
    )
    cells: dict[tuple[str, str, str], Um5Cell] = {}
    for row in rows:
        month = row["month"]
        key = f"{month.astimezone(zone) if isinstance(month, datetime) else month:%Y-%m}"
        for measure, _ in MEASURES:
            cells[(row["review_type"], key, measure)] = Um5Cell(
                row[f"{measure}_measured"], row[f"{measure}_on_time"]
            )
    return cells


def _um5_counts(now: datetime) -> dict[str, Count]:
    counts = {}
    for measure, field in (("decision", "decided_at"), ("notice", "notice_at")):
        recorded = Q(**{f"{field}__isnull": False})
        counts[f"{measure}_measured"] = Count(
            "pk", filter=Q(due__isnull=False) & (recorded | Q(due__lt=now))
        )
        counts[f"{measure}_on_time"] = Count(
            "pk", filter=Q(due__isnull=False, **{f"{field}__lte": F("due")})
        )
    return counts


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


def cms_table(scope: QuerySet[Submission], *, with_percentiles: bool) -> Table:
    """Decision metrics per review type in the CMS-0057-F public-reporting shape."""
    signed = Determination.objects.filter(case_id=OuterRef("case_id"), signed_at__isnull=False)
    decided = scope.annotate(
        final=Subquery(signed.order_by("-signed_at", "-pk").values("outcome")[:1]),
        decided_at=_original_signed_at(),
        extended=Exists(Clock.objects.filter(case_id=OuterRef("case_id"), extended=True)),
    ).filter(final__isnull=False)
    hours = HoursBetween("case__received_at_plan", "decided_at")
    aggregates = {
        "decided": Count("pk"),
        "approved": Count("pk", filter=Q(final__in=APPROVED_OUTCOMES)),
        "denied": Count("pk", filter=Q(final__in=DENIED_OUTCOMES)),
        "approved_after_appeal": Count(
            "pk", filter=Q(final__in=APPROVED_OUTCOMES, case__origin="appeal")
        ),
        "extended_cases": Count("pk", filter=Q(extended=True)),
        "approved_after_extension": Count(
            "pk", filter=Q(final__in=APPROVED_OUTCOMES, extended=True)
        ),
        "mean_hours": Avg(hours),
    }
    if with_percentiles:
        aggregates["median_hours"] = PercentileCont(hours, fractions=(0.5,))
    rows = {
        row["review_type"]: row
        for row in decided.values("review_type").annotate(**aggregates).order_by()
    }
    if not with_percentiles:
        # SQLite has no percentile_cont: the same interpolation over the decision times.
        times: dict[str, list[float]] = {}
        for review_type, value in decided.annotate(h=hours).values_list("review_type", "h"):
            if value is not None:
                times.setdefault(review_type, []).append(value)
        for review_type, row in rows.items():
            row["median_hours"] = [percentile_cont(times.get(review_type, []), 0.5)]
    shaped = []
    for review_type, label in ReviewType.choices:
        row = rows.get(review_type)
        if row is None:
            shaped.append((label, 0, None, None, None, 0, None, None, None))
            continue
        whole = row["decided"]
        median = row["median_hours"]
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
                _round(median[0] if median else None),
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
