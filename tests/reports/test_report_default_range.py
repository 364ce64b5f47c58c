"""The report's default range ends today (issue 19): the newest cases are in it."""

from datetime import date

from reports.forms import last_twelve_months


def test_the_default_range_ends_today_and_starts_eleven_months_back():
    assert last_twelve_months(date(2026, 12, 4)) == (date(2026, 1, 1), date(2026, 12, 4))
    assert last_twelve_months(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
