"""The per-month summary behind the QUAC report (issue 20, docs/reports.md "Summary table").

One MonthSummary row per calendar month of IMRO receipt (plan time zone) × review type ×
IMRO (the independent specialists together) × specialty, with its MonthSummaryCount
rows (per circumstance, per recommendation × final decision, per clock). The report
sums twelve months of these rows instead of reading 100,000 cases.

The rows are derived, never typed: `summary_refresh` recomputes the rows of the cases a
service changed from the facts, with the queries below, inside that service's
transaction; `summary_rebuild` recomputes a range (`manage.py rebuild_report_summary`).
The services that change an input call `summary_refresh(case_ids=[case.pk])` once:
the submission received (and its charge), the review recorded, clocks stopped, cancelled,
recomputed or extended, a determination signed or amended, a notice sent, the case
updated, withdrawn, resolved or closed, an audited date changed.

What the summary cannot hold stays with the full computation: percentiles (the stored
turnaround columns are read for them), figures that depend on when the report is read
(running clocks already overdue, UM 5 cases whose running plan clock has passed) and the
circumstance filter (a case counts under each of its circumstances, so the summary's
rows cannot be narrowed to one: the report computes such a report from the facts).
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Determination
from reports.models import (
    MonthSummary,
    MonthSummaryCase,
    MonthSummaryClock,
    MonthSummaryCount,
    SummaryCount,
)
from reports.regulatory import cms_decision_hours, cms_summary_counts, um5_summary_counts
from reviewers.models import Submission
from timelines.calendar import plan_zone
from timelines.models import Clock, ClockStatus

# The CMS-0057-F counts one summary row holds, in the order cms_summary_counts returns them.
CMS_FIELDS = (
    "cms_decided",
    "cms_approved",
    "cms_denied",
    "cms_approved_after_appeal",
    "cms_extended",
    "cms_approved_after_extension",
    "cms_hours_sum",
    "cms_hours_count",
)

# (first day of the month of IMRO receipt, review type, IMRO id or None, specialty)
Key = tuple[date, str, int | None, str]
KEY_NAMES = ("k_month", "k_type", "k_imro", "k_specialty")


def key_annotations(path: str = "") -> dict[str, object]:
    """The summary key as annotations, from a Submission (path "") or from a model that
    reaches one through its case (path "case__submission__")."""
    return {
        "k_month": TruncMonth(f"{path}imro_received_at", tzinfo=plan_zone()),
        "k_type": F(f"{path}review_type"),
        "k_imro": F(f"{path}assignment__imro_id"),
        # A submission, a clock and a determination all have their case.
        "k_specialty": F("case__specialty"),
    }


def month_of(value: object) -> date:
    """The first day of a month as TruncMonth returns it (an aware datetime, a date, or a
    string when read through a raw cursor on SQLite)."""
    if isinstance(value, datetime):
        local = value.astimezone(plan_zone()) if timezone.is_aware(value) else value
        return local.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    return date.fromisoformat(str(value)[:7] + "-01")


def _key(row: dict[str, object] | tuple) -> Key:
    if isinstance(row, dict):
        row = tuple(row[name] for name in KEY_NAMES)
    month, review_type, imro_id, specialty = row[:4]
    return (month_of(month), str(review_type), imro_id, str(specialty or ""))


# Refresh ------------------------------------------------------------------------------


def summary_refresh(*, case_ids: Iterable[int] = (), keys: Iterable[Key] = ()) -> int:
    """Recompute the summary rows of these cases (and of these keys), from the facts.

    Called by the services that change a figure's input, inside their transaction, after
    the change: the rows then hold what a full computation would return once the
    transaction commits. A case not yet received by its IMRO has no row. A service that
    moves a case to another key (its IMRO receipt, review type, IMRO or specialty after
    receipt; none does today) passes the old key in `keys`. Returns the rows written.
    """
    wanted = set(keys) | summary_keys(case_ids=case_ids)
    if not wanted:
        return 0
    _lock(wanted)
    return _replace(wanted, _key_scope(wanted))


def summary_keys(*, case_ids: Iterable[int]) -> set[Key]:
    """The summary keys the cases fall under now (none before their IMRO receipt): what a
    writer that moves a case to another key reads first and passes to summary_refresh."""
    case_ids = list(case_ids)
    if not case_ids:
        return set()
    return {
        _key(row)
        for row in Submission.objects.filter(case_id__in=case_ids)
        .annotate(**key_annotations())
        .values(*KEY_NAMES)
    }


def summary_rebuild(*, date_from: date | None = None, date_to: date | None = None) -> int:
    """Recompute every summary row whose month lies in [date_from's month, date_to's month]
    (all when open), from the facts; returns the rows written."""
    with transaction.atomic():
        submissions = Submission.objects.all()
        rows = MonthSummary.objects.all()
        zone = plan_zone()
        if date_from:
            start = date_from.replace(day=1)
            submissions = submissions.filter(
                imro_received_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=zone)
            )
            rows = rows.filter(month__gte=start)
        if date_to:
            end = next_month(date_to.replace(day=1))
            submissions = submissions.filter(
                imro_received_at__lt=datetime.combine(end, datetime.min.time(), tzinfo=zone)
            )
            rows = rows.filter(month__lt=end)
        rows.delete()
        written = _write(_compute(submissions.filter(imro_received_at__isnull=False)))
    if connection.vendor == "postgresql":
        # Fresh statistics for the rewritten tables, so the report's plans fit them.
        with connection.cursor() as cursor:
            for model in (MonthSummary, MonthSummaryCount, MonthSummaryCase, MonthSummaryClock):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return written


def next_month(month: date) -> date:
    """The first day of the month after `month`'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _lock(keys: set[Key]) -> None:
    """Two transactions refreshing the same key one after the other: the second waits for
    the first to commit, then reads its facts (READ COMMITTED), so the last row written
    holds both changes. SQLite serialises writers already."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys, key=repr):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"report-summary:{key!r}"]
            )


def _key_scope(keys: set[Key]) -> QuerySet[Submission]:
    zone = plan_zone()
    match = Q(pk__in=[])
    for month, review_type, imro_id, specialty in keys:
        match |= Q(
            imro_received_at__gte=datetime.combine(month, datetime.min.time(), tzinfo=zone),
            imro_received_at__lt=datetime.combine(
                next_month(month), datetime.min.time(), tzinfo=zone
            ),
            review_type=review_type,
            case__specialty=specialty,
            **(
                {"assignment__imro__isnull": True}
                if imro_id is None
                else {"assignment__imro_id": imro_id}
            ),
        )
    return Submission.objects.filter(match)


def _replace(keys: set[Key], submissions: QuerySet[Submission]) -> int:
    match = Q(pk__in=[])
    for month, review_type, imro_id, specialty in keys:
        match |= Q(month=month, review_type=review_type, specialty=specialty, imro_id=imro_id)
    MonthSummary.objects.filter(match).delete()
    return _write(_compute(submissions))


def _write(computed: dict[Key, dict[str, object]]) -> int:
    now = timezone.now()
    rows = [
        MonthSummary(
            month=key[0],
            review_type=key[1],
            imro_id=key[2],
            specialty=key[3],
            refreshed_at=now,
            **{name: value for name, value in figures.items() if name not in _CHILDREN},
        )
        for key, figures in computed.items()
    ]
    MonthSummary.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor != "postgresql":
        # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+; read them back
        # where it did not.
        missing = [row for row in rows if row.pk is None]
        if missing:
            ids = {
                (r.month, r.review_type, r.imro_id, r.specialty): r.pk
                for r in MonthSummary.objects.filter(refreshed_at=now)
            }
            for row in missing:
                row.pk = ids[(row.month, row.review_type, row.imro_id, row.specialty)]
    counts = [
        MonthSummaryCount(summary_id=row.pk, **count)
        for row, figures in zip(rows, computed.values(), strict=True)
        for count in figures["counts"]
    ]
    MonthSummaryCount.objects.bulk_create(counts, batch_size=5000)
    MonthSummaryCase.objects.bulk_create(
        [
            MonthSummaryCase(summary_id=row.pk, **case)
            for row, figures in zip(rows, computed.values(), strict=True)
            for case in figures["cases_in"]
        ],
        batch_size=5000,
    )
    MonthSummaryClock.objects.bulk_create(
        [
            MonthSummaryClock(summary_id=row.pk, **clock)
            for row, figures in zip(rows, computed.values(), strict=True)
            for clock in figures["clocks"]
        ],
        batch_size=5000,
    )
    return len(rows)


# The figures of each key, from the facts -----------------------------------------------

_CHILDREN = ("counts", "cases_in", "clocks")


def _compute(submissions: QuerySet[Submission]) -> dict[Key, dict[str, object]]:
    """Every summary figure of every key the submissions fall in: a fixed number of
    grouped queries, whatever the number of keys."""
    computed: dict[Key, dict[str, object]] = {}
    keyed = submissions.annotate(**key_annotations())
    for row in (
        keyed.values(*KEY_NAMES)
        .annotate(
            cases=Count("pk"),
            reviewed=Count("case__review"),
            turnaround_hours_sum=Sum("case__review__turnaround_hours"),
            cost=Sum("charge_to_plan"),
            uncharged=Count("pk", filter=Q(charge_to_plan__isnull=True)),
        )
        .order_by()
    ):
        figures = {name: value for name, value in row.items() if name not in KEY_NAMES}
        figures["turnaround_hours_sum"] = figures["turnaround_hours_sum"] or 0.0
        computed[_key(row)] = {**figures, "counts": [], "cases_in": [], "clocks": []}

    def count(key: Key, dimension: str, value: str, **numbers: int) -> None:
        computed[key]["counts"].append({"dimension": dimension, "value": value, **numbers})

    for row in (
        keyed.values(*KEY_NAMES, circumstance=F("case__circumstances__circumstance"))
        .annotate(cases=Count("pk"))
        .order_by()
    ):
        circumstance = row["circumstance"]
        value = "" if circumstance is None else str(circumstance)
        count(_key(row), SummaryCount.CIRCUMSTANCE, value, cases=row["cases"])

    for key, recommendation, final, cases in _outcomes(submissions):
        count(key, SummaryCount.OUTCOME, f"{recommendation or ''}|{final or ''}", cases=cases)

    for row in (
        Clock.objects.filter(case_id__in=submissions.values("case_id"))
        .exclude(status=ClockStatus.CANCELLED)
        .annotate(**key_annotations("case__submission__"))
        .values(*KEY_NAMES, "review_type", "name")
        .annotate(
            met=Count("pk", filter=Q(status=ClockStatus.MET)),
            missed=Count("pk", filter=Q(status=ClockStatus.MISSED)),
            running=Count("pk", filter=Q(status=ClockStatus.RUNNING)),
        )
        .order_by()
    ):
        count(
            _key(row),
            SummaryCount.CLOCK,
            f"{row['review_type']}|{row['name']}",
            met=row["met"],
            missed=row["missed"],
            running=row["running"],
        )

    decision_hours = {
        case_id: hours
        for *_, case_id, hours in cms_decision_hours(submissions.annotate(**key_annotations()))
    }
    for row in keyed.values(
        *KEY_NAMES,
        "case_id",
        hours=F("case__review__turnaround_hours"),
        days=F("case__review__turnaround_business_days"),
    ).order_by():
        computed[_key(row)]["cases_in"].append(
            {
                "case_id": row["case_id"],
                "turnaround_hours": row["hours"],
                "turnaround_business_days": row["days"],
                "decision_hours": decision_hours.get(row["case_id"]),
            }
        )
    for row in (
        Clock.objects.filter(
            case_id__in=submissions.values("case_id"),
            status__in=[ClockStatus.MISSED, ClockStatus.RUNNING],
        )
        .annotate(**key_annotations("case__submission__"))
        .values(
            *KEY_NAMES,
            "pk",
            "case_id",
            "review_type",
            "name",
            "status",
            "due_at",
            "stopped_at",
            internal_id=F("case__member__internal_id"),
        )
        .order_by()
    ):
        clock = {name: row[name] for name in row if name not in KEY_NAMES}
        clock["clock_id"] = clock.pop("pk")
        computed[_key(row)]["clocks"].append(clock)

    for row in um5_summary_counts(submissions.annotate(**key_annotations())):
        computed[_key(row)].update(
            um5_decision_measured=row[4],
            um5_decision_on_time=row[5],
            um5_notice_measured=row[6],
            um5_notice_on_time=row[7],
        )
    for row in cms_summary_counts(submissions.annotate(**key_annotations())):
        figures = dict(zip(CMS_FIELDS, row[4:], strict=True))
        figures["cms_hours_sum"] = figures["cms_hours_sum"] or 0.0
        computed[_key(row)].update(figures)
    return computed


def _outcomes(submissions: QuerySet[Submission]) -> list[tuple[Key, str | None, str | None, int]]:
    """Cases per key × IMRO recommendation × CMO final decision (the latest signed
    determination; None when none is signed yet), as the report's outcome figures."""
    signed = Determination.objects.filter(signed_at__isnull=False)
    later = signed.filter(case_id=OuterRef("case_id")).filter(
        Q(signed_at__gt=OuterRef("signed_at"))
        | Q(signed_at=OuterRef("signed_at"), pk__gt=OuterRef("pk"))
    )
    decided = (
        signed.filter(case_id__in=submissions.values("case_id"))
        .exclude(Exists(later))
        .annotate(**key_annotations("case__submission__"))
        .values(*KEY_NAMES, recommendation=F("case__review__recommendation"), final=F("outcome"))
        .annotate(cases=Count("pk"))
        .order_by()
    )
    undecided = (
        submissions.exclude(Exists(signed.filter(case_id=OuterRef("case_id"))))
        .annotate(**key_annotations())
        .values(*KEY_NAMES, recommendation=F("case__review__recommendation"))
        .annotate(cases=Count("pk"))
        .order_by()
    )
    return [
        *((_key(row), row["recommendation"], row["final"], row["cases"]) for row in decided),
        *((_key(row), row["recommendation"], None, row["cases"]) for row in undecided),
    ]
