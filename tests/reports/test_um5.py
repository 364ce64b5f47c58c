"""UM 5 timeliness (R-RPT-3) on cases walked through the real services.

The plan clock each case is measured against (R-DL-14, reports.definitions.PLAN_CLOCKS):
standard pre-service: 14 calendar days from receipt; expedited: 72 hours; retrospective:
30 business days. IMRO receipt is the walk's `submitted` step (receipt + 1 d 1 h, or + 2 h
expedited), which puts every case in the month it was received. "Now" is Fri 31 Jul
2026 12:00 PDT.

case type      received (PDT)  due            signed       notice       counts as
S1   standard  Mon 06-01 09:00 06-15 (14 d)   06-05 10:00  06-05 11:00  both on time
S2   standard  Mon 06-01 09:00 06-15          06-05 10:00  06-20 11:00  notice late
S3   standard  Wed 07-01 09:00 07-15          07-20 10:00  07-20 11:00  both late
S4   standard  Mon 06-01 09:00 06-15          —            —            both late (due passed)
S5   standard  Mon 07-20 09:00 08-03          —            —            not measured yet
E1   expedited Wed 06-10 08:00 06-13 08:00    06-11 08:00  06-11 09:00  both on time
E2   expedited Wed 06-10 08:00 06-13 08:00    06-14 08:00  06-14 09:00  both late
R1   retro     Mon 06-01 09:00 30 bus. days   06-05 10:00  06-05 11:00  both on time
(notice = the member's written notice; 72 h for the expedited due)

Range (Jun–Jul):
  standard  decision: measured S1 S2 S3 S4 = 4, on time S1 S2 = 2 -> 50.0 %, below 90 %
            notice:   measured 4, on time S1 = 1                 -> 25.0 %
  expedited decision: 2 measured, 1 on time (E1) -> 50.0 %; notice the same
  retro     decision and notice: 1 of 1 -> 100.0 %, meets the line
June, standard: decision 3 measured (S1 S2 S4), 2 on time -> 66.7 %; notice 3, 1 -> 33.3 %
July, standard: decision 1 measured (S3; S5 not yet), 0 on time -> 0.0 %
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports.params import ReportParams
from reports.selectors import quac_report
from tests.support.cases import Walk, approve, notify, open_case, receive_review, sign, submit

pytestmark = pytest.mark.django_db

PDT = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 7, 31, 12, tzinfo=PDT)
EXPEDITED_WALK = Walk(
    approved=timedelta(hours=1), submitted=timedelta(hours=2), review_received=timedelta(hours=12)
)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def walk_case(
    coordinator,
    cmo,
    received: datetime,
    *,
    review_type: str = "standard",
    signed: datetime | None = None,
    notified: datetime | None = None,
):
    """Intake just after `received`, the walk's steps, then sign and notify at the times given."""
    expedited = review_type == "expedited"
    extra = (
        {"expedited_criterion": "imminent_threat", "expedited_determined_by": "cmo"}
        if expedited
        else {}
    )
    with at(received + timedelta(minutes=5)):
        case = open_case(
            coordinator,
            review_type=review_type,
            received_at_plan=received,
            response_needed_by=(received + timedelta(days=40)).date(),
            **extra,
        )
    walk = EXPEDITED_WALK if expedited else Walk()
    case = receive_review(submit(approve(case, cmo, walk=walk), walk=walk), walk=walk)
    if signed:
        with at(signed):
            case = sign(case, cmo)
    if notified:
        with at(notified):
            case = notify(case)
    return case


def day(month: int, dom: int, hour: int) -> datetime:
    return datetime(2026, month, dom, hour, tzinfo=PDT)


@pytest.fixture
def report(coordinator, cmo):
    walk_case(coordinator, cmo, day(6, 1, 9), signed=day(6, 5, 10), notified=day(6, 5, 11))
    walk_case(coordinator, cmo, day(6, 1, 9), signed=day(6, 5, 10), notified=day(6, 20, 11))
    walk_case(coordinator, cmo, day(7, 1, 9), signed=day(7, 20, 10), notified=day(7, 20, 11))
    walk_case(coordinator, cmo, day(6, 1, 9))
    walk_case(coordinator, cmo, day(7, 20, 9))
    for signed in (day(6, 11, 8), day(6, 14, 8)):
        walk_case(
            coordinator,
            cmo,
            day(6, 10, 8),
            review_type="expedited",
            signed=signed,
            notified=signed + timedelta(hours=1),
        )
    walk_case(
        coordinator,
        cmo,
        day(6, 1, 9),
        review_type="retrospective",
        signed=day(6, 5, 10),
        notified=day(6, 5, 11),
    )
    params = ReportParams(date_from=date(2026, 6, 1), date_to=date(2026, 7, 31))
    with at(NOW):
        return quac_report(params)


def _table(report, slug: str):
    return next(table for table in report.tables() if table.slug == slug)


def _range_rows(report) -> dict[tuple[str, str], dict]:
    return {
        (row["decision_type"], row["measure"]): row
        for row in _table(report, "um5_timeliness").records()
    }


def test_standard_decisions_and_notices_are_measured_separately(report):
    rows = _range_rows(report)
    decision, notice = rows[("Standard", "Decision")], rows[("Standard", "Written notice")]
    assert (decision["measured"], decision["on_time"], decision["late"]) == (4, 2, 2)
    assert (decision["on_time_share"], decision["meets_target"]) == (50.0, "no")
    assert (notice["measured"], notice["on_time"], notice["on_time_share"]) == (4, 1, 25.0)


def test_expedited_cases_are_judged_against_the_72_hours(report):
    rows = _range_rows(report)
    for measure in ("Decision", "Written notice"):
        row = rows[("Expedited", measure)]
        assert (row["measured"], row["on_time"], row["on_time_share"]) == (2, 1, 50.0)


def test_a_type_at_or_above_ninety_percent_meets_the_line(report):
    rows = _range_rows(report)
    for measure in ("Decision", "Written notice"):
        row = rows[("Retrospective", measure)]
        assert (row["measured"], row["on_time"], row["meets_target"]) == (1, 1, "yes")


def test_each_month_counts_its_own_cases(report):
    months = {
        (row["month"], row["decision_type"]): row
        for row in _table(report, "um5_by_month").records()
    }
    june, july = months[("2026-06", "Standard")], months[("2026-07", "Standard")]
    assert (june["decision_measured"], june["decision_on_time"], june["decision_share"]) == (
        3,
        2,
        66.7,
    )
    assert (june["notice_measured"], june["notice_on_time"], june["notice_share"]) == (3, 1, 33.3)
    # S5 is still inside its 14 days: not measured yet.
    assert (july["decision_measured"], july["decision_on_time"], july["decision_share"]) == (
        1,
        0,
        0.0,
    )
    assert months[("2026-07", "Expedited")]["decision_measured"] == 0


def test_the_methodology_is_printed_beside_the_numbers(report):
    note = _table(report, "um5_timeliness").note
    assert "42 CFR 438.408(b)" in note
    assert "original signed determination" in note
