"""The report's figures against the hand-built data set of conftest.py (by hand)."""

from datetime import date
from decimal import Decimal

import pytest

from imr.errors import Refused
from reports.params import INDEPENDENT, INDEPENDENT_LABEL, ReportParams
from reports.selectors import quac_report
from reports.tables import QuacReport, Table
from tests.reports.conftest import local

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db

NOW = local(2026, 4, 15, 12)
Q1 = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))


def table(report: QuacReport, slug: str) -> Table:
    return next(t for t in report.tables() if t.slug == slug)


def by_first_column(report: QuacReport, slug: str) -> dict[str, dict[str, object]]:
    return {
        str(row[0]): dict(zip([c.key for c in t.columns], row, strict=True))
        for t in [table(report, slug)]
        for row in t.rows
    }


def summary(report: QuacReport) -> dict[str, object]:
    return {str(figure): value for figure, value in report.summary.rows}


@pytest.fixture
def report(report_data) -> QuacReport:
    return quac_report(Q1, now=NOW)


def test_it_counts_cases_by_imro_receipt_in_the_range(report):
    figures = summary(report)
    assert report.cases == 6
    assert figures["Cases submitted (IMRO receipt in range)"] == 6
    assert figures["Reviews received"] == 5


def test_turnaround_median_and_90th_percentile(report):
    figures = summary(report)
    # Hours 10, 20, 30, 50, 100: median 30; p90 at position 0.9 × 4 = 3.6 → 50 + 0.6 × 50.
    assert figures["Turnaround, mean (hours)"] == 42.0
    assert figures["Turnaround, median (hours)"] == 30.0
    assert figures["Turnaround, 90th percentile (hours)"] == 80.0
    # Business days 0, 1, 1, 1, 2 (c4 skips Presidents' Day): p90 = 1 + 0.6 × 1.
    assert figures["Turnaround, median (business days)"] == 1.0
    assert figures["Turnaround, 90th percentile (business days)"] == 1.6


def test_turnaround_by_review_type_and_imro(report):
    by_type = by_first_column(report, "turnaround_by_review_type")
    assert by_type["Standard"]["reviewed"] == 3
    assert by_type["Standard"]["median_hours"] == 30.0  # 10, 30, 100
    assert by_type["Standard"]["p90_hours"] == 86.0  # 30 + 0.8 × 70
    assert by_type["Expedited"]["median_hours"] == 20.0
    assert by_type["Retrospective"]["median_days"] == 2.0
    by_imro = by_first_column(report, "turnaround_by_imro")
    assert by_imro["Acme Review"]["median_hours"] == 20.0  # 10, 30
    assert by_imro["Acme Review"]["p90_hours"] == 28.0
    assert by_imro["Beacon IMRO"]["p90_hours"] == 92.0  # 20 + 0.9 × 80
    assert by_imro[INDEPENDENT_LABEL]["median_hours"] == 50.0


def test_volume_tables(report):
    assert dict(table(report, "volume_by_review_type").rows) == {
        "Standard": 4,
        "Expedited": 1,
        "Retrospective": 1,
    }
    assert dict(table(report, "volume_by_imro").rows) == {
        "Acme Review": 3,
        "Beacon IMRO": 2,
        INDEPENDENT_LABEL: 1,
    }
    assert dict(table(report, "volume_by_specialty").rows) == {
        "Cardiology": 2,
        "Neurology": 2,
        "Oncology": 2,
    }
    circumstances = dict(table(report, "volume_by_circumstance").rows)
    assert circumstances["(5) Denial, modification or delay for medical necessity"] == 2
    assert circumstances["(1) Efficacy or scope of application"] == 1
    assert circumstances["Not recorded"] == 1
    assert sum(circumstances.values()) == 7  # c2 counts under (1) and (5)


def test_timeliness_share_leaves_out_internal_and_cancelled_clocks(report):
    figures = summary(report)
    # Met: c1, c2, c3 IMRO, c5 limit. Missed: c3 appeal, c4 IMRO, c5 target.
    assert figures["Regulatory clocks met"] == 4
    assert figures["Regulatory clocks missed"] == 3
    assert figures["Regulatory clocks met (%)"] == 57.1
    assert figures["Regulatory clocks still running, overdue"] == 1


def test_timeliness_per_clock_and_review_type(report):
    rows = {(r[0], r[1]): r[2:] for r in table(report, "timeliness_by_clock").rows}
    # (met, missed, met %, running, overdue)
    assert rows[("Standard", "IMRO determination")] == (2, 1, 66.7, 1, 1)
    assert rows[("Expedited", "Appeal resolution (expedited)")] == (0, 1, 0.0, 0, 0)
    assert rows[("Standard", "Referral file assembly (internal), not regulatory")][:2] == (0, 1)
    assert ("Standard", "Date response needed") not in rows  # cancelled only


def test_missed_cases_are_listed_by_internal_identifier_only(report, report_data):
    missed = table(report, "missed_clocks")
    ids = {row[0] for row in missed.rows}
    expected = {
        report_data.cases[name].member.internal_id for name in ("c1", "c3", "c4", "c5", "c6")
    }
    assert ids == expected
    assert report_data.cases["outside"].member.internal_id not in ids
    statuses = {row[0]: row[3] for row in missed.rows}
    assert statuses[report_data.cases["c6"].member.internal_id] == "running, overdue"


def test_outcomes_and_agreement(report):
    assert dict(table(report, "imro_recommendations").rows) == {
        "Uphold the plan's decision": 2,
        "Overturn the plan's decision": 2,
        "Modify the plan's decision": 1,
        "No review received yet": 1,
    }
    # c2's signed amendment (approve) replaces its signed deny; c4's is unsigned.
    assert dict(table(report, "cmo_decisions").rows) == {
        "Approve": 3,
        "Deny": 1,
        "Modify": 0,
        "No signed determination yet": 2,
    }
    figures = summary(report)
    assert figures["Cases with a review and a signed determination"] == 4
    assert figures["CMO decision agrees with the IMRO (%)"] == 75.0
    crosstab = {(r[0], r[1]): (r[2], r[3]) for r in table(report, "agreement").rows}
    assert crosstab[("Modify the plan's decision", "Approve")] == (1, "no")
    assert crosstab[("Overturn the plan's decision", "Approve")] == (2, "yes")


def test_cost_to_the_plan(report):
    assert summary(report)["Cost to the plan, total"] == Decimal("3000.00")
    assert summary(report)["Cases with no charge recorded"] == 1
    cost_by_type = {r[0]: (r[2], r[3]) for r in table(report, "cost_by_review_type").rows}
    assert cost_by_type == {
        "Standard": (Decimal("2100.00"), 0),
        "Expedited": (Decimal("900.00"), 0),
        "Retrospective": (Decimal("0.00"), 1),
    }
    cost_by_imro = {r[0]: r[2] for r in table(report, "cost_by_imro").rows}
    assert cost_by_imro == {
        "Acme Review": Decimal("1500.00"),
        "Beacon IMRO": Decimal("1500.00"),
        INDEPENDENT_LABEL: Decimal("0.00"),
    }


def test_months_for_the_charts(report):
    months = [(m.month, m.cases, m.met, m.missed, m.met_share) for m in report.months]
    assert months == [
        ("2026-01", 2, 2, 0, 100.0),
        ("2026-02", 2, 1, 2, 33.3),
        ("2026-03", 2, 1, 1, 50.0),
    ]


def test_an_empty_month_is_shown_with_zeros(report_data):
    report = quac_report(
        ReportParams(date_from=date(2025, 11, 1), date_to=date(2026, 1, 31)), now=NOW
    )
    assert [(m.month, m.cases, m.met_share) for m in report.months] == [
        ("2025-11", 0, None),
        ("2025-12", 1, 0.0),
        ("2026-01", 2, 100.0),
    ]


@pytest.mark.parametrize(
    ("filters", "cases"),
    [
        ({"review_type": "standard"}, 4),
        ({"circumstance": 5}, 2),
        ({"specialty": "Oncology"}, 2),
        ({"imro": INDEPENDENT}, 1),
    ],
)
def test_filters_narrow_the_cases(report_data, filters, cases):
    params = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), **filters)
    assert quac_report(params, now=NOW).cases == cases


def test_the_imro_filter_takes_an_imro(report_data):
    acme = report_data.registry.acme
    params = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), imro=str(acme.pk))
    report = quac_report(params, now=NOW)
    assert report.cases == 3
    assert summary(report)["Cost to the plan, total"] == Decimal("1500.00")


def test_the_range_is_inclusive_in_the_plan_time_zone(report_data):
    # c1 arrived Mon 2026-01-05 09:00 local = 17:00 UTC; a one-day range catches it.
    one_day = ReportParams(date_from=date(2026, 1, 5), date_to=date(2026, 1, 5))
    assert quac_report(one_day, now=NOW).cases == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date_from": date(2026, 3, 1), "date_to": date(2026, 1, 1)}, "before its start"),
        ({"date_from": date(2020, 1, 1), "date_to": date(2026, 1, 1)}, "at most three years"),
        ({"date_from": date(2026, 1, 1), "date_to": date(2026, 2, 1), "circumstance": 9}, "VI.B"),
    ],
)
def test_it_refuses_a_bad_range(kwargs, message):
    with pytest.raises(Refused, match=message):
        ReportParams(**kwargs)


def test_an_empty_range_reports_zeros(db):
    report = quac_report(ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)))
    figures = summary(report)
    assert report.cases == 0
    assert figures["Turnaround, median (hours)"] is None
    assert figures["Regulatory clocks met (%)"] is None
    assert figures["Cost to the plan, total"] == Decimal("0.00")
