"""A holiday change recomputes running clocks only; history keeps the old values (R-DL-10)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.support.personas import client_for
from tests.timelines.conftest import LA, local, make_case
from timelines.models import Clock, ClockEvent, Holiday
from timelines.services import clocks_start, clocks_stop, holiday_add, holiday_remove

RECEIPT = local(2026, 3, 2, 9, 0)  # five business days: due Mon 2026-03-09


def due_local(clock) -> str:
    clock.refresh_from_db()
    return clock.due_at.astimezone(LA).isoformat()


def imro_clock(owner):
    case = make_case(owner=owner)
    clocks_start(case=case, trigger="imro_receipt", at=RECEIPT)
    return Clock.objects.get(case=case, name="imro_determination")


@pytest.mark.django_db
def test_a_new_holiday_moves_running_clocks_and_leaves_stopped_ones(coordinator, administrator):
    running, stopped = imro_clock(coordinator), imro_clock(coordinator)
    clocks_stop(case=stopped.case, trigger="determination_received", at=local(2026, 3, 4, 9))
    holiday_add(day=date(2026, 3, 4), name="Plan closure", actor=administrator)
    assert due_local(running) == "2026-03-10T23:59:59-07:00"
    assert due_local(stopped) == "2026-03-09T23:59:59-07:00"
    assert {"date": "2026-03-04", "reason": "holiday (Plan closure)"} in running.explanation[
        "skipped"
    ]
    history = list(running.history.order_by("history_date").values_list("due_at", flat=True))
    assert history[0].astimezone(LA).isoformat() == "2026-03-09T23:59:59-07:00"
    assert ClockEvent.objects.filter(clock=running, kind="recomputed").count() == 1
    assert not ClockEvent.objects.filter(clock=stopped, kind="recomputed").exists()


@pytest.mark.django_db
def test_removing_a_holiday_moves_the_due_time_back(coordinator, administrator):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2025, 8, 29, 16, 55))
    clock = Clock.objects.get(case=case, name="imro_determination")
    assert due_local(clock) == "2025-09-08T23:59:59-07:00"
    holiday_remove(holiday=Holiday.objects.get(date=date(2025, 9, 1)), actor=administrator)
    assert due_local(clock) == "2025-09-05T23:59:59-07:00"


@pytest.mark.django_db
def test_a_holiday_outside_the_window_touches_nothing(coordinator, administrator):
    clock = imro_clock(coordinator)
    holiday_add(day=date(2026, 4, 1), name="Later", actor=administrator)
    assert not ClockEvent.objects.filter(clock=clock, kind="recomputed").exists()


@pytest.mark.django_db
def test_an_administrator_adds_a_holiday_in_the_admin(coordinator, administrator):
    clock = imro_clock(coordinator)
    response = client_for(administrator).post(
        reverse("admin:timelines_holiday_add"), {"date": "2026-03-05", "name": "Plan closure"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=date(2026, 3, 5))
    assert (holiday.added_by, holiday.source) == (administrator, "administrator")
    assert due_local(clock) == "2026-03-10T23:59:59-07:00"


@pytest.mark.django_db
def test_the_holiday_admin_is_closed_to_ums_staff(coordinator):
    response = client_for(coordinator).get(reverse("admin:timelines_holiday_changelist"))
    assert response.status_code == 302  # not staff: sent to the admin login
