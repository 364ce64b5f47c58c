"""The audit universe (R-RPT-5) on cases walked through the real services.

Two cases, every step placed with time_machine so each date is worked out by hand:

standard (received Mon 2026-06-01 09:00 PDT, corrected to 08:30 PDT under R-TRK-9)
  step                  local (PDT, -07:00)     UTC
  received at plan      2026-06-01 08:30        15:30Z
  referral approved     2026-06-01 11:30        18:30Z   receipt + 3 h (WALK)
  file sent = IMRO rec. 2026-06-02 09:30        16:30Z   receipt + 1 d 1 h
  review received       2026-06-04 15:00        22:00Z   receipt + 3 d 6 h 30 min
  signed                2026-06-05 10:00        17:00Z
  both notices          2026-06-05 11:00        18:00Z   member mailed, practitioner e-mailed
  resolved              2026-06-05 12:00        19:00Z
  closed                2026-06-05 13:00        20:00Z

expedited (received Mon 2026-11-09 08:00 PST, after the change back to standard time)
  received at plan      2026-11-09 08:00        16:00Z
  referral approved     2026-11-09 09:00        17:00Z   receipt + 1 h
  file sent = IMRO rec. 2026-11-09 10:00        18:00Z   receipt + 2 h
  review received       2026-11-09 20:00        2026-11-10 04:00Z (the UTC day is the next)
  signed                2026-11-10 08:00        16:00Z
  both notices          2026-11-10 09:00        17:00Z
  resolved              2026-11-10 10:00        18:00Z   inside the 72 hours
  closed                2026-11-10 11:00        19:00Z
"""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services import case_resolve, received_at_plan_change
from reports.universe import universe_columns, universe_csv, universe_problems, universe_rows
from tests.support.cases import (
    RECEIVED_AT_PLAN,
    TAR_NUMBER,
    Walk,
    approve,
    close,
    notify,
    open_case,
    receive_review,
    sign,
    submit,
)
from tests.support.factories import MEMBER_ADDRESS, MEMBER_CIN, MEMBER_FIRST, MEMBER_LAST

pytestmark = pytest.mark.django_db

PDT = ZoneInfo("America/Los_Angeles")
RANGE = {"date_from": date(2026, 6, 1), "date_to": date(2026, 11, 30)}
EXPEDITED_WALK = Walk(
    approved=timedelta(hours=1),
    submitted=timedelta(hours=2),
    review_received=timedelta(hours=12),
)


def at(*args: int):
    return time_machine.travel(datetime(*args, tzinfo=PDT), tick=False)


def _finish(case, cmo, day: tuple[int, int, int], hour: int):
    """Sign at `hour`, notify an hour later, resolve, close: one hour apart each."""
    with at(*day, hour):
        case = sign(case, cmo)
    with at(*day, hour + 1):
        case = notify(case)
    with at(*day, hour + 2):
        case_resolve(case=case, actor=cmo)
    with at(*day, hour + 3):
        case = close(case)
    return case


@pytest.fixture
def walked(coordinator, cmo):
    """The standard and the expedited case, closed; one case still at intake in range;
    one received the evening before the range (inside it in UTC, not in plan time)."""
    with at(2026, 6, 1, 9, 30):
        standard = open_case(coordinator)
    with at(2026, 6, 1, 10):
        standard = received_at_plan_change(
            case=standard,
            new_value=RECEIVED_AT_PLAN - timedelta(minutes=30),
            actor=cmo,
            reason="The fax log shows the request arrived at 08:30.",
        )
    standard = receive_review(submit(approve(standard, cmo)))
    standard = _finish(standard, cmo, (2026, 6, 5), 10)

    with at(2026, 11, 9, 8, 5):
        expedited = open_case(
            coordinator,
            tar_number="TAR-000777",
            review_type="expedited",
            expedited_criterion="imminent_threat",
            expedited_determined_by="cmo",
            received_at_plan=datetime(2026, 11, 9, 8, tzinfo=PDT),
            response_needed_by=date(2026, 11, 20),
        )
    expedited = approve(expedited, cmo, walk=EXPEDITED_WALK)
    expedited = submit(expedited, walk=EXPEDITED_WALK)
    expedited = receive_review(expedited, walk=EXPEDITED_WALK)
    expedited = _finish(expedited, cmo, (2026, 11, 10), 8)

    with at(2026, 7, 1, 9):
        waiting = open_case(
            coordinator,
            tar_number="TAR-000888",
            received_at_plan=datetime(2026, 7, 1, 8, tzinfo=PDT),
            response_needed_by=date(2026, 7, 30),
        )
        outside = open_case(
            coordinator,
            tar_number="TAR-000999",
            received_at_plan=datetime(2026, 5, 31, 23, 30, tzinfo=PDT),
        )
    return {"standard": standard, "expedited": expedited, "waiting": waiting, "outside": outside}


def _csv_rows(body: bytes) -> tuple[str, dict[int, dict[str, str]]]:
    text = body.decode("utf-8-sig")
    comment, rest = text.split("\r\n", 1)
    rows = {int(row["case_id"]): row for row in csv.DictReader(io.StringIO(rest))}
    return comment, rows


def _universe(walked) -> dict[int, dict[str, str]]:
    with at(2026, 12, 1, 9):
        body = universe_csv(universe_rows(**RANGE), **RANGE)
    return _csv_rows(body)[1]


def test_the_standard_case_has_every_date_in_plan_time_and_utc(walked):
    row = _universe(walked)[walked["standard"].pk]
    expected = {
        "received_at_plan": ("2026-06-01T08:30:00-07:00", "2026-06-01T15:30:00+00:00"),
        "referral_approved": ("2026-06-01T11:30:00-07:00", "2026-06-01T18:30:00+00:00"),
        "file_sent": ("2026-06-02T09:30:00-07:00", "2026-06-02T16:30:00+00:00"),
        "imro_received": ("2026-06-02T09:30:00-07:00", "2026-06-02T16:30:00+00:00"),
        "review_received": ("2026-06-04T15:00:00-07:00", "2026-06-04T22:00:00+00:00"),
        "determination_signed": ("2026-06-05T10:00:00-07:00", "2026-06-05T17:00:00+00:00"),
        "member_notice_sent": ("2026-06-05T11:00:00-07:00", "2026-06-05T18:00:00+00:00"),
        "practitioner_notice_sent": ("2026-06-05T11:00:00-07:00", "2026-06-05T18:00:00+00:00"),
        "oral_notice": ("", ""),
        "resolved": ("2026-06-05T12:00:00-07:00", "2026-06-05T19:00:00+00:00"),
        "closed": ("2026-06-05T13:00:00-07:00", "2026-06-05T20:00:00+00:00"),
    }
    for name, (local_value, utc_value) in expected.items():
        assert (row[f"{name}_local"], row[f"{name}_utc"]) == (local_value, utc_value), name
    assert row["tar_number"] == TAR_NUMBER
    assert row["internal_patient_id"] == walked["standard"].member.internal_id
    assert (row["review_type"], row["origin"], row["status"]) == (
        "standard",
        "pre_service",
        "closed",
    )
    assert row["clock_imro_determination"] == "met"
    assert row["clock_file_assembly"] == "met"
    assert row["clock_appeal_resolution"] == ""  # an expedited clock only


def test_the_receipt_correction_is_flagged_and_counted(walked):
    rows = _universe(walked)
    standard, expedited = rows[walked["standard"].pk], rows[walked["expedited"].pk]
    assert (standard["received_at_plan_changed"], standard["received_at_plan_changes"]) == (
        "yes",
        "1",
    )
    assert (expedited["received_at_plan_changed"], expedited["received_at_plan_changes"]) == (
        "no",
        "0",
    )
    assert standard["imro_received_changed"] == "no"


def test_the_expedited_case_crosses_the_utc_day_and_meets_its_clocks(walked):
    row = _universe(walked)[walked["expedited"].pk]
    expected = {
        "received_at_plan": ("2026-11-09T08:00:00-08:00", "2026-11-09T16:00:00+00:00"),
        "referral_approved": ("2026-11-09T09:00:00-08:00", "2026-11-09T17:00:00+00:00"),
        "file_sent": ("2026-11-09T10:00:00-08:00", "2026-11-09T18:00:00+00:00"),
        "imro_received": ("2026-11-09T10:00:00-08:00", "2026-11-09T18:00:00+00:00"),
        "review_received": ("2026-11-09T20:00:00-08:00", "2026-11-10T04:00:00+00:00"),
        "determination_signed": ("2026-11-10T08:00:00-08:00", "2026-11-10T16:00:00+00:00"),
        "member_notice_sent": ("2026-11-10T09:00:00-08:00", "2026-11-10T17:00:00+00:00"),
        "practitioner_notice_sent": ("2026-11-10T09:00:00-08:00", "2026-11-10T17:00:00+00:00"),
        "oral_notice": ("", ""),
        "resolved": ("2026-11-10T10:00:00-08:00", "2026-11-10T18:00:00+00:00"),
        "closed": ("2026-11-10T11:00:00-08:00", "2026-11-10T19:00:00+00:00"),
    }
    for name, (local_value, utc_value) in expected.items():
        assert (row[f"{name}_local"], row[f"{name}_utc"]) == (local_value, utc_value), name
    assert (row["review_type"], row["tar_number"]) == ("expedited", "TAR-000777")
    assert row["clock_imro_determination"] == "met"  # 10 h of 24
    assert row["clock_appeal_resolution"] == "met"  # 26 h of 72


def test_the_range_is_plan_days_and_a_waiting_case_has_empty_dates(walked):
    rows = _universe(walked)
    assert set(rows) == {walked["standard"].pk, walked["expedited"].pk, walked["waiting"].pk}
    waiting = rows[walked["waiting"].pk]
    assert waiting["status"] == "intake"
    assert waiting["received_at_plan_local"] == "2026-07-01T08:00:00-07:00"
    assert all(waiting[f"{name}_utc"] == "" for name in ("referral_approved", "closed"))


def test_the_file_says_what_it_holds_and_carries_no_member_phi(walked):
    with at(2026, 12, 1, 9):
        body = universe_csv(universe_rows(**RANGE), **RANGE)
    comment, rows = _csv_rows(body)
    assert len(rows) == 3
    assert comment.startswith("# IMR Desk audit universe (R-RPT-5)")
    assert "no member name; CIN; date of birth or address" in comment
    assert "," not in comment
    header = body.decode("utf-8-sig").split("\r\n")[1].split(",")
    assert header == universe_columns()
    text = body.decode("utf-8-sig")
    for needle in (MEMBER_FIRST, MEMBER_LAST, MEMBER_CIN, MEMBER_ADDRESS, "1961-07-14"):
        assert needle not in text, f"PHI {needle!r} in the audit universe"


def test_real_cases_validate_with_no_problems(walked, tmp_path):
    output = tmp_path / "universe.csv"
    out = io.StringIO()
    with at(2026, 12, 1, 9):
        call_command(
            "audit_universe",
            "--from=2026-06-01",
            "--to=2026-11-30",
            f"--output={output}",
            "--validate",
            stdout=out,
        )
    assert "0 problems in 3 cases." in out.getvalue()
    assert len(_csv_rows(output.read_bytes())[1]) == 3


def test_the_command_exits_non_zero_and_names_the_problem(walked, monkeypatch):
    # A case the workflow cannot produce: the review recorded before the file was sent.
    def planted(**range_):
        rows = universe_rows(**range_)
        rows[0]["review_received"] = rows[0]["file_sent"] - timedelta(hours=1)
        return rows

    monkeypatch.setattr(
        "reports.management.commands.audit_universe.universe_rows", planted, raising=True
    )
    out = io.StringIO()
    with at(2026, 12, 1, 9), pytest.raises(CommandError, match="problems"):
        call_command(
            "audit_universe", "--from=2026-06-01", "--to=2026-11-30", "--validate", stdout=out
        )
    assert f"case {walked['standard'].pk}: review_received before imro_received" in out.getvalue()


def test_the_command_refuses_a_reversed_range(db):
    with pytest.raises(CommandError, match="before its start"):
        call_command("audit_universe", "--from=2026-06-02", "--to=2026-06-01", "--validate")


def _count_queries(date_to: date) -> int:
    with CaptureQueriesContext(connection) as queries:
        rows = universe_rows(date_from=date(2026, 6, 1), date_to=date_to)
        universe_problems(rows)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_cases(coordinator, cmo):
    # One case in June, then three more in July at later stages (each step's rows, from
    # letters to clocks, read in the same fixed number of queries).
    with at(2026, 6, 1, 9, 30):
        open_case(coordinator)
    with at(2026, 7, 10, 9):
        received = {"received_at_plan": datetime(2026, 7, 1, 9, tzinfo=PDT)}
        approve(open_case(coordinator, **received), cmo)
        submit(approve(open_case(coordinator, **received), cmo))
        receive_review(submit(approve(open_case(coordinator, **received), cmo)))
    assert len(universe_rows(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30))) == 1
    assert len(universe_rows(date_from=date(2026, 6, 1), date_to=date(2026, 7, 31))) == 4
    one, four = _count_queries(date(2026, 6, 30)), _count_queries(date(2026, 7, 31))
    assert one == four == 3
