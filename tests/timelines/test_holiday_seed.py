"""The default holiday calendar (migrations 0002 and 0010) is the deliberate list of
docs/timelines.md, through 2035."""

from datetime import date, timedelta

import holidays
import pytest

from timelines.models import Holiday

PAID_DAYS_OFF = {
    "New Year's Day",
    "Martin Luther King Jr. Day",
    "Washington's Birthday",
    "Memorial Day",
    "Juneteenth National Independence Day",
    "Independence Day",
    "Labor Day",
    "Thanksgiving Day",
    "Christmas Day",
}


@pytest.mark.django_db
def test_the_seed_has_ten_days_off_each_year_2025_to_2035():
    seeded = set(Holiday.objects.values_list("date", flat=True))
    assert all(day.weekday() < 5 for day in seeded)
    expected = set()
    for day, names in holidays.US(years=range(2025, 2036), observed=True).items():
        paid = any(n.replace(" (observed)", "") in PAID_DAYS_OFF for n in names.split("; "))
        if paid and day.weekday() < 5:
            expected.add(day)
        if "Thanksgiving Day" in names:
            expected.add(day + timedelta(days=1))
    # New Year's Day 2036 (a Tuesday) is not observed in 2035, so the years match exactly.
    assert seeded == {day for day in expected if day.year <= 2035}
    assert len(seeded) == 110


@pytest.mark.django_db
def test_commemorative_days_and_open_days_are_not_holidays():
    seeded = set(Holiday.objects.values_list("date", flat=True))
    california = holidays.US(subdiv="CA", years=range(2025, 2036))
    for day, names in california.items():
        if "Presidents' Day" in names:
            continue  # 2027: Susan B. Anthony Day falls on Presidents' Day, a day off anyway
        if any(
            word in names for word in ("Susan B. Anthony", "Diwali", "Cesar Chavez", "Veterans")
        ):
            assert day not in seeded, (day, names)


@pytest.mark.django_db
def test_the_policy_examples_holidays_are_seeded():
    names = dict(Holiday.objects.values_list("date", "name"))
    assert names[date(2025, 9, 1)] == "Labor Day"
    assert names[date(2026, 6, 19)] == "Juneteenth"
    assert names[date(2026, 7, 3)] == "Independence Day (observed)"
