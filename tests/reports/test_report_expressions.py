"""The database expressions against the deadline code's own arithmetic."""

from datetime import datetime, timedelta

import pytest
from django.db.models import DateTimeField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.expressions import BusinessDaysBetween, HoursBetween, PercentileCont
from timelines.calendar import business_calendar, plan_zone
from timelines.models import Holiday

pytestmark = pytest.mark.django_db

ZONE = plan_zone()


def business_days_in_db(start: datetime, end: datetime) -> float:
    expression = BusinessDaysBetween(
        Value(start, output_field=DateTimeField()),
        Value(end, output_field=DateTimeField()),
        zone=ZONE.key,
    )
    return Holiday.objects.annotate(days=expression).values_list("days", flat=True)[0]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)),
    elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
)
def test_business_days_match_the_deadline_calendar(start, elapsed):
    # The seeded holiday calendar (2025–2027) is in the table; the two must agree on it.
    start = start.replace(tzinfo=ZONE)
    end = start + elapsed
    calendar = business_calendar()
    expected = calendar.business_days_between(
        calendar.local(start).date(), calendar.local(end).date()
    )
    assert business_days_in_db(start, end) == expected


def test_business_days_skip_a_weekend_holiday_only_once(db):
    # Fri 2026-07-03 is the observed Independence Day; Sat 07-04 is not a business day anyway.
    start = datetime(2026, 7, 2, 9, tzinfo=ZONE)
    assert business_days_in_db(start, datetime(2026, 7, 6, 9, tzinfo=ZONE)) == 1


def test_hours_between_and_percentiles(db):
    # 2026-03-08 springs forward: 10:00 PST to 11:00 PDT the next day is 24 real hours.
    start = datetime(2026, 3, 7, 10, tzinfo=ZONE)
    end = datetime(2026, 3, 8, 11, tzinfo=ZONE)
    hours = HoursBetween(
        Value(start, output_field=DateTimeField()), Value(end, output_field=DateTimeField())
    )
    assert Holiday.objects.annotate(h=hours).values_list("h", flat=True)[0] == 24.0


def test_percentile_cont_interpolates_like_the_textbook(db):
    ids = sorted(Holiday.objects.values_list("pk", flat=True))
    median, p90 = Holiday.objects.aggregate(p=PercentileCont("pk", fractions=(0.5, 0.9)))["p"]
    for fraction, figure in ((0.5, median), (0.9, p90)):
        position = fraction * (len(ids) - 1)
        low, high = ids[int(position)], ids[min(int(position) + 1, len(ids) - 1)]
        expected = low + (position - int(position)) * (high - low)
        assert figure == pytest.approx(expected)


def test_a_percentile_fraction_outside_0_1_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        PercentileCont("x", fractions=(0.5, 1.5))
