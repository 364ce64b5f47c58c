"""The holiday calendar's reach (R-DL-17): 2031-2035 seeded, a warning under 400 days
ahead in /healthz and to Administrators, and a business-day count past the last
configured year refused in the preview and at intake."""

import logging
from datetime import date, datetime
from importlib import import_module
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases.models import Case
from imr.errors import Refused
from notifications.models import Notification
from tests.support.cases import open_case
from tests.support.factories import MEMBER_LAST
from tests.support.personas import client_for
from timelines.calendar import calendar_coverage
from timelines.deadlines import CALENDAR_NOT_COVERED, BusinessCalendar, business_days_due
from timelines.models import Holiday
from timelines.services import digest_send

LA = ZoneInfo("America/Los_Angeles")
# 395 days before the end of 2035, the last seeded year.
LATE = datetime(2034, 12, 1, 9, 0, tzinfo=LA)


@pytest.mark.django_db
def test_2031_to_2035_are_seeded_with_the_observed_days():
    names = dict(Holiday.objects.filter(date__year__gte=2031).values_list("date", "name"))
    assert names[date(2031, 11, 27)] == "Thanksgiving Day"
    assert names[date(2031, 11, 28)] == "Day after Thanksgiving"
    assert names[date(2032, 7, 5)] == "Independence Day (observed)"  # 07-04 is a Sunday
    assert names[date(2032, 6, 18)] == "Juneteenth (observed)"  # 06-19 is a Saturday
    assert names[date(2032, 12, 31)] == "New Year's Day (observed)"  # 2033-01-01 a Saturday
    assert names[date(2033, 12, 26)] == "Christmas Day (observed)"  # 12-25 is a Sunday
    assert names[date(2034, 1, 2)] == "New Year's Day (observed)"  # 01-01 is a Sunday
    assert names[date(2035, 11, 22)] == "Thanksgiving Day"
    assert date(2032, 7, 4) not in names and date(2033, 1, 1) not in names
    assert all(day.weekday() < 5 for day in names)
    assert calendar_coverage(today=date(2026, 12, 3)).last_day == date(2035, 12, 31)


@pytest.mark.django_db
def test_healthz_stays_ok_and_warns_when_the_calendar_ends_within_400_days(client, administrator):
    with time_machine.travel(LATE, tick=False):
        anonymous = client.get(reverse("healthz"))
        detailed = client_for(administrator).get(reverse("healthz")).json()
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "ok", "warnings": ["holiday_calendar"]}
    assert detailed["status"] == "ok"
    assert "ends 2035-12-31, 395 days ahead" in detailed["warnings"]["holiday_calendar"]
    assert "add the plan's 2036 holidays" in detailed["warnings"]["holiday_calendar"]


@pytest.mark.django_db
def test_healthz_has_no_warning_while_the_calendar_reaches_far_enough(client, settings):
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=LA), tick=False):
        assert client.get(reverse("healthz")).json() == {"status": "ok"}
        settings.HOLIDAY_CALENDAR_MIN_DAYS_AHEAD = 3500  # more than the 3,315 days left
        assert client.get(reverse("healthz")).json()["warnings"] == ["holiday_calendar"]


@pytest.mark.django_db
def test_the_nightly_digest_tells_administrators_once_a_day_and_logs_it(
    administrator, coordinator, caplog
):
    with caplog.at_level(logging.WARNING, logger="timelines.sweep"):
        digest_send(now=LATE)
        digest_send(now=LATE)
    (notice,) = Notification.objects.filter(kind="holiday_calendar")
    assert notice.recipient == administrator
    assert "2036" in notice.text
    assert not Notification.objects.filter(recipient=coordinator).exists()
    assert "holiday calendar ends 2035-12-31" in caplog.text.lower()


@pytest.mark.django_db
def test_no_administrator_notice_while_the_calendar_reaches_far_enough(administrator):
    digest_send(now=datetime(2026, 12, 3, 4, 0, tzinfo=LA))
    assert not Notification.objects.filter(kind="holiday_calendar").exists()


@pytest.mark.django_db
def test_the_preview_refuses_a_count_into_a_year_without_holidays():
    # Received Mon 2035-12-24; Christmas is skipped, 12-26 to 12-31 are days 1-4, and day 5
    # would be in 2036.
    with pytest.raises(CommandError, match="add the plan's 2036 holidays"):
        call_command(
            "preview_deadlines",
            "--review-type",
            "standard",
            "--received-at",
            "2035-12-24T10:00",
            stdout=StringIO(),
        )


@pytest.mark.django_db
def test_a_preview_with_its_own_holiday_list_is_not_limited():
    out = StringIO()
    call_command(
        "preview_deadlines",
        "--review-type",
        "standard",
        "--received-at",
        "2035-12-24T10:00",
        "--holidays",
        "2035-12-25,2036-01-01",
        stdout=out,
    )
    assert "imro_determination: due 2036-01-02T23:59:59-08:00" in out.getvalue()


@pytest.mark.django_db
def test_the_api_preview_refuses_it_with_the_year_to_add(coordinator):
    response = client_for(coordinator).get(
        "/api/v1/deadlines/preview/",
        {"review_type": "standard", "received_at": "2035-12-24T10:00"},
    )
    assert response.status_code == 400
    assert "2036" in response.content.decode()


@pytest.mark.django_db
def test_intake_refuses_a_case_whose_count_runs_past_the_calendar(coordinator):
    # A retrospective appeal decision is 30 business days from receipt at the plan.
    with pytest.raises(Refused) as refusal:
        open_case(
            coordinator,
            review_type="retrospective",
            received_at_plan=datetime(2035, 12, 3, 9, 0, tzinfo=LA),
            response_needed_by=date(2035, 12, 20),
        )
    assert "2036" in str(refusal.value) and "2035" in str(refusal.value)
    assert MEMBER_LAST not in str(refusal.value)
    assert not Case.objects.filter(received_at_plan__year=2035).exists()


@pytest.mark.django_db
def test_intake_counts_up_to_the_end_of_the_last_year(coordinator):
    case = open_case(
        coordinator,
        review_type="retrospective",
        received_at_plan=datetime(2035, 10, 15, 9, 0, tzinfo=LA),
        response_needed_by=date(2035, 10, 20),
    )
    decision = case.clocks.get(name="appeal_decision")
    # 30 business days from Mon 2035-10-15, skipping Thanksgiving and the day after.
    assert decision.due_at == datetime(2035, 11, 28, 23, 59, 59, tzinfo=LA)


def _shipped_calendar() -> BusinessCalendar:
    rows = [
        *import_module("timelines.migrations.0002_default_holidays").DEFAULT_HOLIDAYS,
        *import_module(
            "timelines.migrations.0010_default_holidays_2031_2035"
        ).DEFAULT_HOLIDAYS_2031_2035,
    ]
    return BusinessCalendar(
        zone=LA, holidays={date.fromisoformat(d): n for d, n in rows}, last_year=2035
    )


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    received=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=1, max_value=40),
)
def test_a_count_ends_inside_the_calendar_or_is_refused_never_past_it(received, days):
    calendar = _shipped_calendar()
    start = datetime(received.year, received.month, received.day, 12, 0, tzinfo=LA)
    try:
        due = business_days_due(start, days, calendar).due.astimezone(LA).date()
    except Refused as refusal:
        assert refusal.code == CALENDAR_NOT_COVERED
        assert "2036" in str(refusal)
        return
    assert due.year <= 2035
    assert calendar.business_days_between(received, due) == days


@pytest.mark.django_db
def test_the_holiday_admin_says_which_year_to_add(administrator):
    url = reverse("admin:timelines_holiday_changelist")
    with time_machine.travel(LATE, tick=False):
        late = client_for(administrator).get(url).content.decode()
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=LA), tick=False):
        now = client_for(administrator).get(url).content.decode()
    assert "add the plan&#x27;s 2036 holidays" in late
    assert "2036 holidays" not in now
