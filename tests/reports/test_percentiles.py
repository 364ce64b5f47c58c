"""Percentiles without percentile_cont (issue 19): the embedded SQLite database has none,
so the report computes them in Python; these tests hold Python to PostgreSQL's answer."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.params import ReportParams
from reports.percentiles import percentile_cont, percentiles_cont
from reports.selectors import quac_report
from tests.support.cases import Walk, approve, open_case, receive_review, submit

PDT = ZoneInfo("America/Los_Angeles")
FRACTIONS = (0.0, 0.1, 0.5, 0.9, 1.0)


def postgres_percentiles(values: list[float]) -> list[float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(%s::double precision[]) WITHIN GROUP (ORDER BY v) "
            "FROM unnest(%s::double precision[]) AS v",
            [list(FRACTIONS), values],
        )
        return cursor.fetchone()[0]


def test_by_hand():
    # 10, 20, 30, 50, 100: the median is the middle value; the 90th percentile sits at
    # position 0.9 × 4 = 3.6, so 50 + 0.6 × (100 − 50) = 80.
    values = [100.0, 10.0, 30.0, 20.0, 50.0]
    assert percentile_cont(values, 0.5) == 30.0
    assert percentile_cont(values, 0.9) == pytest.approx(80.0)
    # An even count interpolates: (20 + 30) / 2.
    assert percentile_cont([10.0, 20.0, 30.0, 40.0], 0.5) == 25.0
    assert percentile_cont([], 0.5) is None
    assert percentiles_cont([], (0.5, 0.9)) is None
    with pytest.raises(ValueError):
        percentile_cont([1.0], 1.5)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=40,
    )
)
def test_python_equals_postgresql_percentile_cont(values):
    expected = postgres_percentiles(values)
    assert percentiles_cont(values, FRACTIONS) == pytest.approx(expected, rel=1e-9, abs=1e-6)


# The whole report, on walked cases: standard cases received Mon 2026-02-09 09:00, the
# file at the IMRO at 10:00 the next day, reviews 10, 20, 30, 50 and 100 hours later, so
# the turnaround crosses the weekend and Presidents' Day (Mon 02-16) for some.
REVIEW_HOURS = (10, 20, 30, 50, 100)


@pytest.fixture
def walked(coordinator, cmo):
    received = datetime(2026, 2, 9, 9, tzinfo=PDT)
    submitted = timedelta(days=1, hours=1)
    for hours in REVIEW_HOURS:
        with time_machine.travel(received + timedelta(minutes=5), tick=False):
            case = open_case(coordinator, received_at_plan=received)
        walk = Walk(submitted=submitted, review_received=submitted + timedelta(hours=hours))
        receive_review(submit(approve(case, cmo, walk=walk), walk=walk), walk=walk)
    return ReportParams(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))


@pytest.mark.django_db
def test_every_report_figure_is_the_same_without_percentile_cont(walked, monkeypatch):
    now = datetime(2026, 3, 2, 12, tzinfo=PDT)
    native = quac_report(walked, now=now)
    monkeypatch.setattr("reports.selectors.percentiles_available", lambda: False)
    python = quac_report(walked, now=now)
    assert python.percentiles_available
    figures = {row[0]: row[1] for row in python.summary.rows}
    # Hours 10, 20, 30, 50, 100 as in test_by_hand.
    assert figures["Turnaround, median (hours)"] == 30.0
    assert figures["Turnaround, 90th percentile (hours)"] == 80.0
    # IMRO receipt Tue 02-10 10:00; reviews Tue 20:00 (0 business days), Wed 06:00 (1),
    # Wed 16:00 (1), Thu 12:00 (2), Sat 02-14 14:00 (3: Wed, Thu, Fri): median 1,
    # 90th percentile 2 + 0.6 × 1 = 2.6.
    assert figures["Turnaround, median (business days)"] == 1.0
    assert figures["Turnaround, 90th percentile (business days)"] == 2.6
    for ours, theirs in zip(python.tables(), native.tables(), strict=True):
        assert ours.rows == theirs.rows, ours.slug
