"""The pure deadline arithmetic: business days, elapsed hours, fixed dates (SPEC Deadlines)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timelines.conftest import LA, local
from timelines.deadlines import (
    BusinessCalendar,
    business_days_due,
    elapsed_hours_due,
    fixed_date_due,
    parse_local,
    warning_times,
)
from timelines.rules import RuleKind

LABOR_DAY_2025 = {date(2025, 9, 1): "Labor Day"}
JUNE_JULY_2026 = {date(2026, 6, 19): "Juneteenth", date(2026, 7, 3): "Independence Day (observed)"}


def calendar(holidays: dict[date, str] | None = None) -> BusinessCalendar:
    return BusinessCalendar(zone=LA, holidays=holidays or {})


def reference_last_day(receipt_day: date, days: int, holidays: set[date]) -> date:
    """Walk the calendar one day at a time: the simplest reading of the rule."""
    day, counted = receipt_day, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)
)
holiday_sets = st.sets(st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)))


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=40), holidays=holiday_sets)
def test_business_days_match_a_day_by_day_reference(start, days, holidays):
    cal = calendar(dict.fromkeys(holidays, "test holiday"))
    deadline = business_days_due(start, days, cal)
    receipt_day = start.astimezone(LA).date()
    due_local = deadline.due.astimezone(LA)
    assert due_local.date() == reference_last_day(receipt_day, days, holidays)
    assert due_local.time() == time(23, 59, 59)
    assert cal.is_business_day(due_local.date())
    assert cal.business_days_between(receipt_day, due_local.date()) == days
    assert [n for n, _ in deadline.counted] == list(range(1, days + 1))
    assert all(not cal.is_business_day(d) for d, _ in deadline.skipped)


@settings(max_examples=100, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30), holidays=holiday_sets)
def test_one_more_business_day_is_always_later(start, days, holidays):
    cal = calendar(dict.fromkeys(holidays, "test holiday"))
    assert business_days_due(start, days + 1, cal).due > business_days_due(start, days, cal).due


@settings(max_examples=200, deadline=None)
@given(start=moments, hours=st.integers(min_value=1, max_value=200))
def test_elapsed_hours_are_real_hours(start, hours):
    deadline = elapsed_hours_due(start.astimezone(LA), hours)
    assert (deadline.due - start).total_seconds() == hours * 3600


def test_policy_example_standard_over_labor_day():
    deadline = business_days_due(local(2025, 8, 29, 16, 55), 5, calendar(LABOR_DAY_2025))
    assert deadline.due.astimezone(LA).isoformat() == "2025-09-08T23:59:59-07:00"
    assert deadline.counted[0] == (1, date(2025, 9, 2))
    assert (date(2025, 9, 1), "holiday (Labor Day)") in deadline.skipped
    assert (date(2025, 8, 30), "weekend (Saturday)") in deadline.skipped


def test_policy_example_expedited_across_spring_forward():
    deadline = elapsed_hours_due(local(2026, 3, 7, 10, 0), 24)
    assert deadline.due.astimezone(LA).isoformat() == "2026-03-08T11:00:00-07:00"


def test_policy_example_retrospective():
    cal = calendar(JUNE_JULY_2026)
    imro = local(2026, 6, 10, 14, 0)
    plan = local(2026, 6, 1, 9, 0)
    assert business_days_due(imro, 5, cal).due.astimezone(LA).isoformat() == (
        "2026-06-17T23:59:59-07:00"
    )
    assert business_days_due(imro, 7, cal).due.astimezone(LA).isoformat() == (
        "2026-06-22T23:59:59-07:00"
    )
    assert business_days_due(plan, 30, cal).due.astimezone(LA).isoformat() == (
        "2026-07-15T23:59:59-07:00"
    )


@pytest.mark.parametrize(
    ("received", "expected_last_day"),
    [
        # Saturday receipt: the weekend day is still the day of receipt, not counted.
        (local(2026, 3, 7, 10, 0), date(2026, 3, 13)),
        # Sunday receipt.
        (local(2026, 3, 8, 23, 0), date(2026, 3, 13)),
        # Receipt on a holiday (Labor Day 2025): day 1 is the Tuesday.
        (local(2025, 9, 1, 9, 0), date(2025, 9, 8)),
        # 23:59 local on a Monday: Monday is the receipt day.
        (local(2026, 3, 2, 23, 59), date(2026, 3, 9)),
        # 00:00 local on a Monday: still the receipt day, whatever the hour.
        (local(2026, 3, 2, 0, 0), date(2026, 3, 9)),
    ],
)
def test_the_receipt_day_is_never_counted(received, expected_last_day):
    deadline = business_days_due(received, 5, calendar(LABOR_DAY_2025))
    assert deadline.due.astimezone(LA).date() == expected_last_day
    assert deadline.counted[0][1] > received.date()


def test_a_utc_time_is_counted_on_its_local_date():
    # 2026-03-03 05:30 UTC is still Monday 2026-03-02 21:30 in California.
    received = datetime(2026, 3, 3, 5, 30, tzinfo=UTC)
    deadline = business_days_due(received, 1, calendar())
    assert deadline.due.astimezone(LA).isoformat() == "2026-03-03T23:59:59-08:00"


def test_twenty_four_hours_across_fall_back_are_24_real_hours():
    # Clocks fall back on Sun 2026-11-01 at 02:00 PDT: the local time shows 09:00, not 10:00.
    deadline = elapsed_hours_due(local(2026, 10, 31, 10, 0), 24)
    assert deadline.due.astimezone(LA).isoformat() == "2026-11-01T09:00:00-08:00"
    assert deadline.due - local(2026, 10, 31, 10, 0) == timedelta(hours=24)


def test_business_day_due_is_end_of_day_on_both_sides_of_dst():
    winter = business_days_due(local(2026, 3, 6, 12, 0), 1, calendar())  # due Mon 03-09, PDT
    assert winter.due.astimezone(LA).isoformat() == "2026-03-09T23:59:59-07:00"
    autumn = business_days_due(local(2026, 10, 30, 12, 0), 1, calendar())  # due Mon 11-02, PST
    assert autumn.due.astimezone(LA).isoformat() == "2026-11-02T23:59:59-08:00"


def test_a_fixed_date_is_due_at_the_end_of_that_day():
    deadline = fixed_date_due(local(2026, 3, 2, 9, 0), date(2026, 3, 20), calendar())
    assert deadline.due.astimezone(LA).isoformat() == "2026-03-20T23:59:59-07:00"


def test_the_explanation_lists_start_rule_skipped_days_and_due():
    deadline = business_days_due(local(2025, 8, 29, 16, 55), 5, calendar(LABOR_DAY_2025))
    explanation = deadline.explanation(LA)
    assert explanation["start"] == "2025-08-29T16:55:00-07:00"
    assert explanation["rule"] == "5 business days"
    assert explanation["due"] == "2025-09-08T23:59:59-07:00"
    assert {"date": "2025-09-01", "reason": "holiday (Labor Day)"} in explanation["skipped"]
    assert "The day of receipt, Fri 2025-08-29, is not counted." in explanation["lines"]
    assert "Business day 5: Mon 2025-09-08." in explanation["lines"]


def test_hour_clocks_warn_six_and_two_hours_before_due():
    due = local(2026, 3, 8, 11, 0)
    times = warning_times(
        due=due, kind=RuleKind.ELAPSED_HOURS, hours_before=(6, 2), on_last_day=False, zone=LA
    )
    assert times == [("6h_left", due - timedelta(hours=6)), ("2h_left", due - timedelta(hours=2))]


def test_business_day_clocks_warn_at_the_start_of_their_last_day():
    due = local(2025, 9, 8, 23, 59, 59)
    times = warning_times(
        due=due, kind=RuleKind.BUSINESS_DAYS, hours_before=(), on_last_day=True, zone=LA
    )
    assert times == [("last_day", local(2025, 9, 8, 0, 0))]


def test_times_without_an_offset_are_in_the_plan_zone():
    assert parse_local("2026-03-07T10:00", LA).isoformat() == "2026-03-07T10:00:00-08:00"
    assert parse_local("2026-03-07T18:00Z", LA).astimezone(LA).hour == 10


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        business_days_due(datetime(2026, 3, 2, 9, 0), 5, calendar())
