"""Decision metrics in the CMS-0057-F shape (R-RPT-4) on cases walked through the services.

Time to decision runs from receipt at the plan to the CMO's original signed
determination; the final outcome is the latest signed one (reports.definitions).

case  type       origin       received (PDT)   original signed          final
P1    standard   pre-service  Mon 06-01 09:00  approve  06-05 09:00 (96 h)   approve
P2    standard   pre-service  Mon 06-01 09:00  deny     06-03 09:00 (48 h)   approve (amended 06-04)
P3    standard   pre-service  Mon 06-01 09:00  modify   06-02 09:00 (24 h)   modify
A1    standard   appeal       Mon 06-01 09:00  approve  06-07 09:00 (144 h)  approve
U1    standard   pre-service  Mon 06-01 09:00  review received, not signed: not decided
E1    expedited  pre-service  Wed 06-10 08:00  approve  06-11 08:00 (24 h), extended 06-10 11:00
E2    expedited  pre-service  Wed 06-10 08:00  deny     06-11 14:00 (30 h)

standard:  decided 4; approved P1 P2 A1 = 75.0 %; denied P3 (a partial approval) = 25.0 %;
           approved after appeal A1 = 25.0 %; extended 0;
           mean (96 + 48 + 24 + 144) / 4 = 78.0 h; median of 24, 48, 96, 144 = (48 + 96) / 2
           = 72.0 h
expedited: decided 2; approved 50.0 %, denied 50.0 %; extended 1 (E1), extended and
           approved 50.0 %; mean (24 + 30) / 2 = 27.0 h, median 27.0 h
retrospective: none decided.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.services import determination_amend
from reports.params import ReportParams
from reports.regulatory import cms_table
from reports.selectors import report_scope
from tests.support.cases import Walk, approve, open_case, receive_review, sign, submit
from timelines.services import extension_grant

pytestmark = pytest.mark.django_db

PDT = ZoneInfo("America/Los_Angeles")
EXPEDITED_WALK = Walk(
    approved=timedelta(hours=1), submitted=timedelta(hours=2), review_received=timedelta(hours=12)
)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def day(month: int, dom: int, hour: int) -> datetime:
    return datetime(2026, month, dom, hour, tzinfo=PDT)


def reviewed(coordinator, cmo, received: datetime, *, expedited=False, appeal=False, extend=False):
    extra: dict[str, object] = {"circumstances": [3]} if appeal else {}
    if expedited:
        extra |= {
            "review_type": "expedited",
            "expedited_criterion": "imminent_threat",
            "expedited_determined_by": "cmo",
        }
    with at(received + timedelta(minutes=5)):
        case = open_case(
            coordinator,
            received_at_plan=received,
            response_needed_by=(received + timedelta(days=40)).date(),
            **extra,
        )
    walk = EXPEDITED_WALK if expedited else Walk()
    case = submit(approve(case, cmo, walk=walk), walk=walk)
    if extend:
        with at(received + timedelta(hours=3)):
            extension_grant(case=case, actor=cmo, reason="The reviewer needs the imaging.")
    return receive_review(case, walk=walk)


def decide(case, cmo, when: datetime, outcome: str):
    modification = "A shorter course is approved instead." if outcome == "modify" else ""
    with at(when):
        return sign(case, cmo, outcome=outcome, follows_imro=False, modification=modification)


@pytest.fixture
def table(coordinator, cmo):
    received = day(6, 1, 9)
    decide(reviewed(coordinator, cmo, received), cmo, day(6, 5, 9), "approve")
    p2 = decide(reviewed(coordinator, cmo, received), cmo, day(6, 3, 9), "deny")
    with at(day(6, 4, 9)):
        determination_amend(
            determination=p2.determinations.get(),
            actor=cmo,
            outcome="approve",
            rationale="New imaging shows the therapy is needed.",
            criteria_used="The plan's medical policy.",
            follows_imro=False,
            reason="Imaging received after the decision.",
        )
    decide(reviewed(coordinator, cmo, received), cmo, day(6, 2, 9), "modify")
    decide(reviewed(coordinator, cmo, received, appeal=True), cmo, day(6, 7, 9), "approve")
    reviewed(coordinator, cmo, received)
    expedited = day(6, 10, 8)
    e1 = reviewed(coordinator, cmo, expedited, expedited=True, extend=True)
    decide(e1, cmo, day(6, 11, 8), "approve")
    decide(reviewed(coordinator, cmo, expedited, expedited=True), cmo, day(6, 11, 14), "deny")
    return ReportParams(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30))


def _rows(params, *, with_percentiles: bool) -> dict[str, dict]:
    result = cms_table(report_scope(params), with_percentiles=with_percentiles)
    return {row["decision_type"]: row for row in result.records()}


def test_standard_decisions(table):
    row = _rows(table, with_percentiles=True)["Standard"]
    assert row["decided"] == 4
    assert (row["approved_share"], row["denied_share"]) == (75.0, 25.0)
    assert row["approved_after_appeal_share"] == 25.0
    assert (row["extended"], row["approved_after_extension_share"]) == (0, 0.0)
    assert (row["mean_hours"], row["median_hours"]) == (78.0, 72.0)


def test_expedited_decisions_and_the_extension(table):
    row = _rows(table, with_percentiles=True)["Expedited"]
    assert (row["decided"], row["approved_share"], row["denied_share"]) == (2, 50.0, 50.0)
    assert (row["extended"], row["approved_after_extension_share"]) == (1, 50.0)
    assert (row["mean_hours"], row["median_hours"]) == (27.0, 27.0)


def test_a_type_with_no_decision_shows_no_shares(table):
    row = _rows(table, with_percentiles=True)["Retrospective"]
    assert (row["decided"], row["approved_share"], row["median_hours"]) == (0, None, None)


def test_the_median_without_percentile_cont_is_the_same(table):
    """The SQLite path (median in Python) gives PostgreSQL's figures on the same cases."""
    assert _rows(table, with_percentiles=False) == _rows(table, with_percentiles=True)


def test_the_methodology_names_its_choices_and_citations(table):
    note = cms_table(report_scope(table), with_percentiles=True).note
    for words in ("counts as denied", "Withdrawals", "438.400(b)(1)", "438.210(f)", "R-DL-5"):
        assert words in note, words
    # Each metric is named in the rule's words under 438.210(f); no unverified
    # sub-paragraph number is cited (reports/definitions.py).
    assert "438.210(f)(" not in note
    for words in ("approved after appeal", "extended and which were approved", "median time"):
        assert words in note, words
