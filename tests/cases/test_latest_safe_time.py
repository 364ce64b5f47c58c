"""The latest safe time on the work queue and in the API (R-RPT-6), on walked cases.

"Now" is Wed 2026-06-10 12:00 PDT. The IMROs' own pace over the last 12 months comes
from three earlier cases (received Mon 05-04 09:00, file at the IMRO 05-05 10:00):
  Acme:   reviews after 20 h and 30 h  -> median 25 h
  Beacon: review after 50 h            -> median 50 h
  every review: 20, 30, 50             -> median 30 h (a case with no IMRO chosen yet)

The open cases (expedited: plan clock 72 h from receipt, file-assembly clock 24 h from the
referral approval, IMRO clock 24 h from IMRO receipt; standard: plan clock 14 calendar
days, IMRO clock 5 business days):

E-ACME    expedited, received 06-10 08:00, approved 09:00, Acme assigned, file not sent
          file clock 06-11 09:00; plan 06-13 08:00 − 25 h = 06-12 07:00 -> act by Thu 09:00
E-BEACON  the same with Beacon: plan 06-13 08:00 − 50 h = 06-11 06:00  -> act by Thu 06:00
          (due first is the file clock, 06-11 09:00, for both: the act-by order differs)
E-SENT    expedited, received 06-10 08:00, file at Beacon 10:00: IMRO clock 06-11 10:00
          -> act by Thu 10:00; Beacon's 50 h puts the review at 06-12 12:00: at risk
S-ACME    standard, received Mon 06-08 09:00, file at Acme Tue 06-09 10:00: IMRO clock
          due the 5th business day after, Tue 06-16 23:59:59 -> act by Tue 16 Jun 23:59;
          25 h puts the review at 06-10 11:00: not at risk
S-INTAKE  standard at intake, received Mon 06-08 09:00: plan clock 06-22 23:59:59, less
          the overall median 30 h -> act by Sun 06-21 17:59:59
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.selectors.queue import QueueFilters, queue_page
from tests.support.cases import Walk, approve, assign, open_case, receive_review, submit
from tests.support.factories import ImroFactory, SpecialistFactory
from tests.support.files import use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

PDT = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 6, 10, 12, tzinfo=PDT)
EXPEDITED = {
    "review_type": "expedited",
    "expedited_criterion": "imminent_threat",
    "expedited_determined_by": "cmo",
}
EXPEDITED_WALK = Walk(approved=timedelta(hours=1), submitted=timedelta(hours=2))


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def opened(coordinator, tar: str, received: datetime, **extra):
    with at(received + timedelta(minutes=5)):
        return open_case(
            coordinator,
            tar_number=tar,
            received_at_plan=received,
            response_needed_by=date(2026, 7, 31),
            **extra,
        )


@pytest.fixture
def imros():
    acme, beacon = ImroFactory(name="Acme Review"), ImroFactory(name="Beacon Review")
    return {
        "acme": SpecialistFactory(imro=acme, name="Dr. Acme Reviewer"),
        "beacon": SpecialistFactory(imro=beacon, name="Dr. Beacon Reviewer"),
    }


@pytest.fixture
def queue(coordinator, cmo, imros):
    history = datetime(2026, 5, 4, 9, tzinfo=PDT)
    for n, (who, hours) in enumerate([("acme", 20), ("acme", 30), ("beacon", 50)]):
        walk = Walk(review_received=Walk().submitted + timedelta(hours=hours))
        case = opened(coordinator, f"TAR-H{n}", history)
        receive_review(submit(approve(case, cmo), specialist=imros[who]), walk=walk)

    received = datetime(2026, 6, 10, 8, tzinfo=PDT)
    cases = {}
    # E-ACME first, so it has the lower id: ordered by due time alone it would lead.
    for tar, who in (("E-ACME", "acme"), ("E-BEACON", "beacon")):
        case = approve(opened(coordinator, tar, received, **EXPEDITED), cmo, walk=EXPEDITED_WALK)
        cases[tar] = assign(case, specialist=imros[who], walk=EXPEDITED_WALK)
    case = approve(opened(coordinator, "E-SENT", received, **EXPEDITED), cmo, walk=EXPEDITED_WALK)
    cases["E-SENT"] = submit(case, specialist=imros["beacon"], walk=EXPEDITED_WALK)
    monday = datetime(2026, 6, 8, 9, tzinfo=PDT)
    case = approve(opened(coordinator, "S-ACME", monday), cmo)
    cases["S-ACME"] = submit(case, specialist=imros["acme"])
    cases["S-INTAKE"] = opened(coordinator, "S-INTAKE", monday)
    return cases


def _rows(coordinator, **filters):
    page = queue_page(user=coordinator, filters=QueueFilters(**filters), now=NOW)
    return {row.case.tar_number: row for row in page["rows"]}, page


def test_each_case_gets_the_latest_moment_for_its_next_step(coordinator, queue):
    rows, _ = _rows(coordinator)
    expected = {
        "E-ACME": datetime(2026, 6, 11, 9, tzinfo=PDT),
        "E-BEACON": datetime(2026, 6, 11, 6, tzinfo=PDT),
        "E-SENT": datetime(2026, 6, 11, 10, tzinfo=PDT),
        "S-ACME": datetime(2026, 6, 16, 23, 59, 59, tzinfo=PDT),
        "S-INTAKE": datetime(2026, 6, 21, 17, 59, 59, tzinfo=PDT),
    }
    assert {tar: rows[tar].safe_time.act_by for tar in expected} == expected
    assert rows["E-BEACON"].act_by_text == "Act by Thu 06:00"
    assert rows["S-ACME"].act_by_text == "Act by Tue 2026-06-16 23:59 PDT"
    assert rows["S-ACME"].safe_time.next_step == "Chase the IMRO"


def test_the_queue_sorts_by_the_act_by_time_not_the_due_time(coordinator, queue):
    _, page = _rows(coordinator)
    order = [
        row.case.tar_number for row in page["rows"] if not row.case.tar_number.startswith("TAR-H")
    ]
    assert order == ["E-BEACON", "E-ACME", "E-SENT", "S-ACME", "S-INTAKE"]
    # Both expedited cases' nearest clock is the same file clock, due Thu 09:00.
    rows, _ = _rows(coordinator)
    assert rows["E-ACME"].case.next_due_at == rows["E-BEACON"].case.next_due_at


def test_the_imros_median_flags_a_review_that_would_arrive_late(coordinator, queue):
    rows, _ = _rows(coordinator)
    sent = rows["E-SENT"].safe_time
    assert sent.at_risk and sent.expected_review_at == datetime(2026, 6, 12, 12, tzinfo=PDT)
    assert not rows["S-ACME"].safe_time.at_risk
    assert rows["S-ACME"].safe_time.expected_review_at == datetime(2026, 6, 10, 11, tzinfo=PDT)
    # The earlier cases' plan clocks (due 05-18) have passed: past the latest safe time.
    assert rows["TAR-H0"].safe_time.at_risk
    assert not rows["S-INTAKE"].safe_time.at_risk


def test_filters_keep_the_order_and_the_counts_over_every_case(coordinator, queue):
    _, unfiltered = _rows(coordinator)
    rows, filtered = _rows(coordinator, review_type="expedited", status="assembling")
    assert list(rows) == ["E-BEACON", "E-ACME"]
    assert filtered["counts"] == unfiltered["counts"]


def test_the_page_costs_the_same_queries_with_more_cases(
    coordinator, queue, cmo, django_assert_num_queries
):
    filters = QueueFilters(review_type="expedited", owner=coordinator.username)
    # The first page computes the IMRO medians (one more query) and caches them under
    # the newest review's id; opening cases records no review, so they stay cached.
    with django_assert_num_queries(5):
        queue_page(user=coordinator, filters=filters, now=NOW)
    with django_assert_num_queries(4):
        queue_page(user=coordinator, filters=filters, now=NOW)
    for n in range(4):
        opened(coordinator, f"MORE-{n}", datetime(2026, 6, 10, 8, tzinfo=PDT), **EXPEDITED)
    with django_assert_num_queries(4):
        rows = queue_page(user=coordinator, filters=filters, now=NOW)["rows"]
    assert len(rows) == 7


def test_the_queue_page_shows_the_flag(coordinator, queue):
    with at(NOW):
        html = client_for(coordinator).get(reverse("home")).content.decode()
    assert "Act by<br><time" in html and ">Thu 06:00</time>" in html
    assert "At risk" in html


def test_the_api_exposes_the_latest_safe_time(coordinator, queue):
    with at(NOW):
        response = client_for(coordinator).get(
            reverse("api-case-detail", args=[queue["E-BEACON"].pk])
        )
    assert response.status_code == 200
    assert response.json()["safe_time"] == {
        "act_by": "2026-06-11T06:00:00-07:00",
        "next_step": "Send the file",
        "at_risk": False,
        "reason": "",
        "expected_review_at": None,
    }


def test_the_medians_are_the_same_with_and_without_percentile_cont(queue, monkeypatch):
    """PostgreSQL's percentile_cont and the Python path SQLite takes agree (25 h, 50 h,
    30 h overall, from the module note)."""
    from django.db import connections

    from reviewers.turnaround import imro_turnarounds

    native = imro_turnarounds(now=NOW)
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    python = imro_turnarounds(now=NOW)
    assert native == python
    assert sorted(native.by_imro.values()) == [timedelta(hours=25), timedelta(hours=50)]
    assert native.overall == timedelta(hours=30)


@pytest.fixture
def awaiting_signature(coordinator, cmo, settings, tmp_path):
    """Three reviews in, none signed, opened in the reverse of their act-by order.

    At review_received the only work left before each clock is the plan's own (sign,
    send the notices, resolve), counted as taking no time: the act-by time is the
    nearest running clock's due time, which is the plan's clock (the IMRO clocks stopped
    when the review came in):

    SIGN-STD   standard, received Mon 06-01 09:00: authorization decision, end of the
               14th calendar day, Mon 06-15 23:59:59 -> "Act by Mon 23:59" (5 d 12 h away)
    SIGN-EXP   expedited, received Tue 06-09 14:00, file at the IMRO 16:00, review
               Wed 06-10 10:00: appeal resolution 72 h, Fri 06-12 14:00 -> "Act by Fri 14:00"
    SIGN-LATE  standard, received Mon 05-25 09:00: Mon 06-08 23:59:59, passed -> at risk
    """
    use_private_storage(settings, tmp_path)
    cases = {}
    for tar, received in (
        ("SIGN-STD", datetime(2026, 6, 1, 9, tzinfo=PDT)),
        ("SIGN-LATE", datetime(2026, 5, 25, 9, tzinfo=PDT)),
    ):
        cases[tar] = opened(coordinator, tar, received)
    received = datetime(2026, 6, 9, 14, tzinfo=PDT)
    cases["SIGN-EXP"] = opened(coordinator, "SIGN-EXP", received, **EXPEDITED)
    walks = {
        "SIGN-STD": Walk(),
        "SIGN-EXP": Walk(
            approved=timedelta(hours=1),
            submitted=timedelta(hours=2),
            review_received=timedelta(hours=20),
        ),
        "SIGN-LATE": Walk(),
    }
    for tar in ("SIGN-STD", "SIGN-EXP", "SIGN-LATE"):
        walk = walks[tar]
        case = submit(approve(cases[tar], cmo, walk=walk), walk=walk)
        cases[tar] = receive_review(case, walk=walk)
    return cases


def test_the_cmo_signs_by_the_latest_safe_time(cmo, awaiting_signature):
    from cases.selectors.queue import cmo_todo

    with at(NOW):
        signatures = cmo_todo(now=NOW)["signatures"]
        html = client_for(cmo).get(reverse("cases:cmo")).content.decode()
    assert [case.tar_number for case in signatures] == ["SIGN-LATE", "SIGN-EXP", "SIGN-STD"]
    safe = {case.tar_number: case.queue_row.safe_time for case in signatures}
    assert safe["SIGN-LATE"].act_by == datetime(2026, 6, 8, 23, 59, 59, tzinfo=PDT)
    assert safe["SIGN-EXP"].act_by == datetime(2026, 6, 12, 14, tzinfo=PDT)
    assert safe["SIGN-STD"].act_by == datetime(2026, 6, 15, 23, 59, 59, tzinfo=PDT)
    assert [safe[tar].at_risk for tar in ("SIGN-LATE", "SIGN-EXP", "SIGN-STD")] == [
        True,
        False,
        False,
    ]
    assert {tar: safe[tar].next_step for tar in safe} == dict.fromkeys(
        safe, "Sign the determination"
    )
    section = html[html.index("Determinations to sign") :]
    assert section.index("SIGN-LATE") < section.index("SIGN-EXP") < section.index("SIGN-STD")
    assert "Act-by passed<br><time" in section and ">Mon 2026-06-08 23:59 PDT</time>" in section
    assert ">Fri 14:00</time>" in section and ">Mon 23:59</time>" in section
    assert section.count("At risk") == 1
