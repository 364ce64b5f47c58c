"""The report's figures against the data set of conftest.py, each worked out by hand.

The comments show the arithmetic from the table in conftest.py: cases c1–c6 have their
IMRO receipt in the first quarter of 2026, "outside" on 2025-12-20. The report is read
at NOW, Wed 2026-04-15 12:00 plan time.
"""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import Circumstance
from imr.errors import Refused
from reports.params import INDEPENDENT, INDEPENDENT_LABEL, ReportParams
from reports.selectors import quac_report
from reports.tables import QuacReport, Table
from tests.reports.conftest import local
from timelines.models import Clock, ClockStatus

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db

NOW = local(2026, 4, 15, 12)
Q1 = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))

FILE_ASSEMBLY = "Referral file assembly (internal), not regulatory"
FILE_ASSEMBLY_EXPEDITED = "Referral file assembly (internal, expedited), not regulatory"
AUTHORIZATION = "Authorization decision (plan time frame)"


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


def test_the_cases_stand_where_the_table_leaves_them(report_data):
    # The walk's last step per case: resolved after the letters, c4 with a draft
    # determination, c6 still with the reviewer.
    assert {name: case.status for name, case in report_data.cases.items()} == {
        "c1": "resolved",
        "c2": "resolved",
        "c3": "resolved",
        "c4": "review_received",
        "c5": "resolved",
        "c6": "submitted",
        "outside": "resolved",
    }


def test_it_counts_cases_by_imro_receipt_in_the_range(report):
    figures = summary(report)
    # c1–c6 received by the IMRO in Q1; "outside" on 2025-12-20 is left out.
    assert report.cases == 6
    assert figures["Cases submitted (IMRO receipt in range)"] == 6
    # c1–c5 have the reviewer's determination recorded; c6 is still with the IMRO.
    assert figures["Reviews received"] == 5


def test_turnaround_median_and_90th_percentile(report):
    figures = summary(report)
    # Hours 10 (c1), 20 (c3), 30 (c2), 50 (c5), 100 (c4): mean 210 / 5 = 42; median 30;
    # p90 at position 0.9 × 4 = 3.6 → 50 + 0.6 × (100 − 50) = 80.
    assert figures["Turnaround, mean (hours)"] == 42.0
    assert figures["Turnaround, median (hours)"] == 30.0
    assert figures["Turnaround, 90th percentile (hours)"] == 80.0
    # Business days after the day of IMRO receipt: c1 0 (same day), c2 1, c3 1,
    # c4 1 (Sat, Sun, Presidents' Day skipped, Tue counted), c5 2 (Tue, Wed).
    # Sorted 0, 1, 1, 1, 2: median 1; p90 = 1 + 0.6 × (2 − 1) = 1.6.
    assert figures["Turnaround, median (business days)"] == 1.0
    assert figures["Turnaround, 90th percentile (business days)"] == 1.6


def test_turnaround_by_review_type_and_imro(report):
    by_type = by_first_column(report, "turnaround_by_review_type")
    # Standard: c1 10, c2 30, c4 100 (c6 no review): median 30; p90 at 0.9 × 2 = 1.8
    # → 30 + 0.8 × (100 − 30) = 86.
    assert by_type["Standard"]["reviewed"] == 3
    assert by_type["Standard"]["median_hours"] == 30.0
    assert by_type["Standard"]["p90_hours"] == 86.0
    assert by_type["Expedited"]["median_hours"] == 20.0  # c3 alone
    assert by_type["Retrospective"]["median_days"] == 2.0  # c5 alone
    by_imro = by_first_column(report, "turnaround_by_imro")
    # Acme: c1 10, c2 30 (c6 no review): median 20; p90 = 10 + 0.9 × 20 = 28.
    assert by_imro["Acme Review"]["median_hours"] == 20.0
    assert by_imro["Acme Review"]["p90_hours"] == 28.0
    # Beacon: c3 20, c4 100: p90 = 20 + 0.9 × 80 = 92.
    assert by_imro["Beacon IMRO"]["p90_hours"] == 92.0
    assert by_imro[INDEPENDENT_LABEL]["median_hours"] == 50.0  # c5 alone


def test_volume_tables(report):
    # Standard c1, c2, c4, c6; expedited c3; retrospective c5.
    assert dict(table(report, "volume_by_review_type").rows) == {
        "Standard": 4,
        "Expedited": 1,
        "Retrospective": 1,
    }
    # Acme c1, c2, c6; Beacon c3, c4; the independent specialist c5.
    assert dict(table(report, "volume_by_imro").rows) == {
        "Acme Review": 3,
        "Beacon IMRO": 2,
        INDEPENDENT_LABEL: 1,
    }
    assert dict(table(report, "volume_by_specialty").rows) == {
        "Cardiology": 2,  # c1, c2
        "Neurology": 2,  # c5, c6
        "Oncology": 2,  # c3, c4
    }
    # (1) c2; (2) c4 (its mistaken (3) was corrected before submission); (3) c5; (4) c3;
    # (5) c1 and c2; (6) c6. A case cannot be submitted without one, so none is
    # "Not recorded"; c2 counts under (1) and (5): 7 for 6 cases.
    circumstances = dict(table(report, "volume_by_circumstance").rows)
    assert circumstances == {
        Circumstance(number).label: count
        for number, count in {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 1}.items()
    }
    assert sum(circumstances.values()) == 7


def test_timeliness_share_counts_breach_clocks_only(report):
    figures = summary(report)
    # Breach clocks (file assembly is internal; c4's cancelled appeal clock is out; the
    # retrospective IMRO target and the federal 30-day count only warn when passed):
    #   c1 authorization, response, IMRO: 3 met
    #   c2 authorization, response, IMRO: 3 met
    #   c3 IMRO met; appeal resolution (72 h, resolved the day after): missed
    #   c4 IMRO met; response needed (Mon 02-16, review Tue 02-17): missed;
    #      authorization running (due 02-23, never resolved): overdue
    #   c5 IMRO limit, appeal decision (30 bd): 2 met
    #   c6 IMRO (due 03-27) and authorization (due 03-31) running: overdue;
    #      response needed (04-30) running, not yet due
    # Met 3 + 3 + 1 + 1 + 2 = 10; missed 1 + 1 = 2; 10 / 12 = 83.3 %.
    assert figures["Regulatory clocks met"] == 10
    assert figures["Regulatory clocks missed"] == 2
    assert figures["Regulatory clocks met (%)"] == 83.3
    assert figures["Regulatory clocks still running, overdue"] == 3
    # Warning-only targets on their own line: c5's IMRO target was met (review 03-04,
    # due 03-09); its federal count (30 days → 03-04, resolved 03-05) passed: 1.
    assert figures["Regulatory targets passed (warning only)"] == 1


def test_timeliness_per_clock_and_review_type(report, report_data):
    rows = [tuple(row) for row in table(report, "timeliness_by_clock").rows]
    # (review type, clock, met, missed, met %, running, running and overdue), ordered by
    # review type and clock name as stored (expedited, retrospective, standard).
    assert rows == [
        ("Expedited", "Appeal resolution (expedited)", 0, 1, 0.0, 0, 0),  # c3
        # c3: approved Sun 09:00, sent Mon 08:00 (inside 24 h).
        ("Expedited", FILE_ASSEMBLY_EXPEDITED, 1, 0, 100.0, 0, 0),
        ("Expedited", "IMRO determination (expedited)", 1, 0, 100.0, 0, 0),  # c3: 20 h
        ("Retrospective", "Appeal decision (retrospective)", 1, 0, 100.0, 0, 0),  # c5
        (
            "Retrospective",
            "Appeal decision, federal count (retrospective), warning only",
            0,
            1,
            0.0,
            0,
            0,
        ),
        ("Retrospective", FILE_ASSEMBLY, 1, 0, 100.0, 0, 0),  # c5
        ("Retrospective", "IMRO determination, limit (retrospective)", 1, 0, 100.0, 0, 0),
        (
            "Retrospective",
            "IMRO determination, target (retrospective), warning only",
            1,
            0,
            100.0,
            0,
            0,
        ),
        # c1, c2 met; c4, c6 running past their due day.
        ("Standard", AUTHORIZATION, 2, 0, 100.0, 2, 2),
        # c2, c4, c6 met (sent within 3 bd); c1 approved 12-24, due 12-30, sent 01-05.
        ("Standard", FILE_ASSEMBLY, 3, 1, 75.0, 0, 0),
        # c1, c2, c4 met; c6 running, due Fri 03-27.
        ("Standard", "IMRO determination", 3, 0, 100.0, 1, 1),
        # c1, c2 met; c4 missed; c6 running, due 04-30 (after NOW): 2 / 3 = 66.7 %.
        ("Standard", "Date response needed", 2, 1, 66.7, 1, 0),
    ]
    # c4's appeal-resolution clock (standard, origin appeal) was cancelled: no row.
    cancelled = Clock.objects.filter(case=report_data.cases["c4"], status=ClockStatus.CANCELLED)
    assert [(c.review_type, c.name) for c in cancelled] == [("standard", "appeal_resolution")]
    assert not any(row[1] == "Appeal resolution (plan time frame)" for row in rows)


def test_missed_cases_are_listed_by_internal_identifier_only(report, report_data):
    names = {case.member.internal_id: name for name, case in report_data.cases.items()}
    rows = [(names[row[0]], row[2], row[3], row[4]) for row in table(report, "missed_clocks").rows]
    # Missed, or running past the due time at NOW; earliest due first (plan time, in the
    # product's one date format).
    assert rows == [
        ("c1", FILE_ASSEMBLY, "missed", "Tue 2025-12-30 23:59 PST"),
        (
            "c3",
            "Appeal resolution (expedited)",
            "missed",
            "Mon 2026-02-02 14:00 PST",
        ),  # Fri 14:00 + 72 h
        ("c4", "Date response needed", "missed", "Mon 2026-02-16 23:59 PST"),
        ("c4", AUTHORIZATION, "running, overdue", "Mon 2026-02-23 23:59 PST"),  # 02-09 + 14 days
        (
            "c5",
            "Appeal decision, federal count (retrospective), warning only",
            "target passed (warning only)",
            "Wed 2026-03-04 23:59 PST",
        ),
        ("c6", "IMRO determination", "running, overdue", "Fri 2026-03-27 23:59 PDT"),
        ("c6", AUTHORIZATION, "running, overdue", "Tue 2026-03-31 23:59 PDT"),  # 03-17 + 14 days
    ]
    # c2 met every clock; "outside" is out of the range.


def test_outcomes_and_agreement(report):
    assert dict(table(report, "imro_recommendations").rows) == {
        "Uphold the plan's decision": 2,  # c1, c4
        "Overturn the plan's decision": 2,  # c2, c5
        "Modify the plan's decision": 1,  # c3
        "No review received yet": 1,  # c6
    }
    # c2's signed amendment (approve) replaces its signed deny; c4's is a draft.
    assert dict(table(report, "cmo_decisions").rows) == {
        "Approve": 3,  # c2, c3, c5
        "Deny": 1,  # c1
        "Modify": 0,
        "No signed determination yet": 2,  # c4, c6
    }
    figures = summary(report)
    # Compared: c1, c2, c3, c5; agreeing: c1 (uphold ↔ deny), c2 and c5 (overturn ↔
    # approve); c3 approved what the reviewer would modify. 3 / 4 = 75 %.
    assert figures["Cases with a review and a signed determination"] == 4
    assert figures["CMO decision agrees with the IMRO (%)"] == 75.0
    crosstab = [tuple(row) for row in table(report, "agreement").rows]
    assert crosstab == [
        ("Modify the plan's decision", "Approve", 1, "no"),  # c3
        ("Overturn the plan's decision", "Approve", 2, "yes"),  # c2, c5
        ("Uphold the plan's decision", "Deny", 1, "yes"),  # c1
        ("Uphold the plan's decision", "No signed determination yet", 1, "not comparable yet"),
        ("No review received yet", "No signed determination yet", 1, "not comparable yet"),
    ]


def test_cost_to_the_plan(report):
    # What case_submit recorded: c1, c2, c6 Acme standard 500 each; c3 Beacon expedited
    # 900; c4 Beacon standard 600; c5 the independent specialist, no charge on file.
    # 500 + 500 + 900 + 600 + 500 = 3000.
    assert summary(report)["Cost to the plan, total"] == Decimal("3000.00")
    assert summary(report)["Cases with no charge recorded"] == 1
    cost_by_type = {r[0]: (r[2], r[3]) for r in table(report, "cost_by_review_type").rows}
    assert cost_by_type == {
        "Standard": (Decimal("2100.00"), 0),  # 500 + 500 + 600 + 500
        "Expedited": (Decimal("900.00"), 0),
        "Retrospective": (Decimal("0.00"), 1),
    }
    cost_by_imro = {r[0]: r[2] for r in table(report, "cost_by_imro").rows}
    assert cost_by_imro == {
        "Acme Review": Decimal("1500.00"),  # 3 × 500
        "Beacon IMRO": Decimal("1500.00"),  # 900 + 600
        INDEPENDENT_LABEL: Decimal("0.00"),
    }


def test_months_for_the_charts(report):
    months = [(m.month, m.cases, m.met, m.missed, m.met_share) for m in report.months]
    # Breach clocks by the month of the case's IMRO receipt (see the share test):
    # January c1 3 + c2 3 met; February c3 1 + c4 1 met, 1 + 1 missed; March c5 2 met
    # (its target and federal count only warn; c6's are running).
    assert months == [
        ("2026-01", 2, 6, 0, 100.0),
        ("2026-02", 2, 2, 2, 50.0),
        ("2026-03", 2, 2, 0, 100.0),
    ]


def test_an_empty_month_is_shown_with_zeros(report_data):
    report = quac_report(
        ReportParams(date_from=date(2025, 11, 1), date_to=date(2026, 1, 31)), now=NOW
    )
    # December: "outside", response needed and IMRO met, authorization (due 12-31,
    # resolved 2026-01-02) missed: 2 / 3 = 66.7 %.
    assert [(m.month, m.cases, m.met_share) for m in report.months] == [
        ("2025-11", 0, None),
        ("2025-12", 1, 66.7),
        ("2026-01", 2, 100.0),
    ]


@pytest.mark.parametrize(
    ("filters", "cases"),
    [
        ({"review_type": "standard"}, 4),  # c1, c2, c4, c6
        ({"circumstance": 5}, 2),  # c1, c2
        ({"circumstance": 3}, 1),  # c5; c4's mistaken (3) was corrected
        ({"specialty": "Oncology"}, 2),  # c3, c4
        ({"imro": INDEPENDENT}, 1),  # c5
    ],
)
def test_filters_narrow_the_cases(report_data, filters, cases):
    params = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), **filters)
    assert quac_report(params, now=NOW).cases == cases


def test_the_imro_filter_takes_an_imro(report_data):
    acme = report_data.registry.acme
    params = ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31), imro=str(acme.pk))
    report = quac_report(params, now=NOW)
    assert report.cases == 3  # c1, c2, c6
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
    # June 2025: before every case of the data set (which the module's earlier tests
    # leave in place), so nothing is in range whether it is there or not.
    report = quac_report(ReportParams(date_from=date(2025, 6, 1), date_to=date(2025, 6, 30)))
    figures = summary(report)
    assert report.cases == 0
    assert figures["Turnaround, median (hours)"] is None
    assert figures["Regulatory clocks met (%)"] is None
    assert figures["Cost to the plan, total"] == Decimal("0.00")
