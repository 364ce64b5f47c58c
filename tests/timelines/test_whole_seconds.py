"""Met or missed compares whole seconds (R-DL-18): an event at 23:59:59.4 on the last day
is met, and the breach is not recorded inside that last second."""

from datetime import timedelta

import pytest

from tests.timelines.conftest import local, make_case
from timelines.models import Clock, ClockAlert, ClockStatus
from timelines.services import clocks_start, clocks_stop, sweep

RECEIPT = local(2026, 6, 1, 9, 0)  # Mon; 5 business days: due Mon 2026-06-08 23:59:59


def imro_clock(owner) -> Clock:
    case = make_case(owner=owner, received_at=RECEIPT)
    (clock,) = clocks_start(case=case, trigger="imro_receipt", at=RECEIPT)
    assert clock.due_at == local(2026, 6, 8, 23, 59, 59)
    return clock


@pytest.mark.django_db
def test_a_determination_in_the_last_second_is_met(coordinator):
    clock = imro_clock(coordinator)
    last_second = clock.due_at + timedelta(microseconds=400_000)
    sweep(now=clock.due_at + timedelta(microseconds=900_000))
    assert not ClockAlert.objects.filter(clock=clock, level="due_passed").exists()
    clocks_stop(case=clock.case, trigger="determination_received", at=last_second)
    clock.refresh_from_db()
    assert clock.status == ClockStatus.MET


@pytest.mark.django_db
def test_a_determination_at_midnight_is_missed(coordinator):
    clock = imro_clock(coordinator)
    clocks_stop(case=clock.case, trigger="determination_received", at=local(2026, 6, 9, 0, 0))
    clock.refresh_from_db()
    assert clock.status == ClockStatus.MISSED


@pytest.mark.django_db
def test_the_breach_is_recorded_once_the_due_second_is_over(coordinator):
    clock = imro_clock(coordinator)
    sweep(now=clock.due_at + timedelta(seconds=1))
    assert ClockAlert.objects.filter(clock=clock, level="due_passed").exists()
