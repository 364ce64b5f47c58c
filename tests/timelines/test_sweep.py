"""sweep(): one warning and one breach per clock and level, also run twice or concurrently."""

import threading
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from imr.roles import Role
from notifications.models import Notification
from tests.support.personas import make_user
from tests.timelines.conftest import MEMBER_FIRST, MEMBER_LAST, local, make_case
from timelines.models import Clock, ClockAlert, ClockEvent, SweepRun
from timelines.services import clocks_start, sweep
from timelines.sweep import case_path

# Standard IMRO clock from Mon 2026-03-02 09:00: due Mon 03-09 23:59:59; warns 03-09 00:00.
RECEIPT = local(2026, 3, 2, 9, 0)
LAST_DAY = local(2026, 3, 9, 8, 0)
AFTER_DUE = local(2026, 3, 10, 8, 0)


def standard_case(owner):
    case = make_case(owner=owner)
    clocks_start(case=case, trigger="imro_receipt", at=RECEIPT)
    return case


# The sweep's e-mails are sent by a task per batch, after commit: run here (eager).
pytestmark = pytest.mark.usefixtures("celery_eager")


def alert_levels(case) -> list[str]:
    return sorted(ClockAlert.objects.filter(clock__case=case).values_list("level", flat=True))


@pytest.mark.django_db
def test_nothing_happens_before_the_last_day(coordinator, cmo):
    case = standard_case(coordinator)
    result = sweep(now=local(2026, 3, 8, 23, 0))
    assert (result.warned, result.breached, result.examined) == (0, 0, 0)
    assert alert_levels(case) == []


@pytest.mark.django_db(transaction=False)
def test_a_sweep_run_twice_warns_once_then_breaches_once(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    case = standard_case(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep(now=LAST_DAY)
        second = sweep(now=LAST_DAY)
    assert (first.warned, second.warned, second.skipped) == (1, 0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        third = sweep(now=AFTER_DUE)
        fourth = sweep(now=AFTER_DUE)
    assert (third.breached, fourth.breached) == (1, 0)
    assert alert_levels(case) == ["due_passed", "last_day"]
    warnings = Notification.objects.filter(kind="clock_warning")
    breaches = Notification.objects.filter(kind="clock_breach")
    assert [n.recipient for n in warnings] == [coordinator]
    assert sorted(n.recipient.username for n in breaches) == ["cmo", "coordinator"]
    assert len(mail.outbox) == 3
    assert Clock.objects.get(case=case, name="imro_determination").next_alert_at is None


@pytest.mark.django_db
def test_a_missed_run_is_caught_and_sends_only_the_breach(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    case = standard_case(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=AFTER_DUE)
    assert (result.warned, result.breached) == (0, 1)
    # The last-day warning is recorded (so it never fires later) but was not sent.
    assert alert_levels(case) == ["due_passed", "last_day"]
    assert ClockAlert.objects.get(clock__case=case, level="last_day").notified is False
    assert Notification.objects.filter(kind="clock_warning").count() == 0
    assert ClockEvent.objects.filter(clock__case=case, kind="warned").count() == 1


@pytest.mark.django_db
def test_hour_clocks_warn_at_six_and_two_hours_and_breach(coordinator, cmo):
    case = make_case(owner=coordinator, review_type="expedited", received_at=local(2026, 3, 7, 10))
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 7, 10))
    due = local(2026, 3, 8, 11, 0).astimezone(UTC)
    for hours_left in (7, 5, 5, 1, 1):
        sweep(now=due - timedelta(hours=hours_left), scope="hours")
    sweep(now=due + timedelta(minutes=1), scope="hours")
    assert alert_levels(case) == ["2h_left", "6h_left", "due_passed"]
    texts = list(Notification.objects.filter(recipient=coordinator).values_list("text", flat=True))
    assert len(texts) == 3


@pytest.mark.django_db
def test_the_hour_sweep_leaves_business_day_clocks_to_the_nightly_run(coordinator):
    case = standard_case(coordinator)
    sweep(now=AFTER_DUE, scope="hours")
    assert alert_levels(case) == []
    sweep(now=AFTER_DUE, scope="all")
    assert alert_levels(case) == ["due_passed", "last_day"]


@pytest.mark.django_db
def test_passing_a_warning_clock_is_a_warning_not_a_breach(coordinator, cmo):
    case = make_case(owner=coordinator, review_type="retrospective", received_at=RECEIPT)
    clocks_start(case=case, trigger="imro_receipt", at=RECEIPT)
    result = sweep(now=AFTER_DUE)  # target (5 days) passed, limit (7 days) not yet
    assert (result.warned, result.breached) == (1, 0)
    target = ClockAlert.objects.get(clock__name="imro_determination_target", level="due_passed")
    assert target.severity == "warning"
    assert not Notification.objects.filter(recipient=cmo).exists()


@pytest.mark.django_db
def test_notifications_and_emails_carry_no_phi(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    case = standard_case(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=AFTER_DUE)
    assert mail.outbox
    for message in mail.outbox:
        for secret in (MEMBER_FIRST, MEMBER_LAST, "98765432A", "1961", case.tar_number):
            assert secret not in message.subject
            assert secret not in message.body
        assert f"{settings.SITE_URL}{case_path(case.pk)}" in message.body


@pytest.mark.django_db
def test_a_sweep_records_its_run(coordinator):
    standard_case(coordinator)
    sweep(now=AFTER_DUE)
    run = SweepRun.objects.latest()
    assert (run.scope, run.examined, run.breached) == ("all", 1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notification_once(roles):
    coordinator = make_user("coordinator", Role.UM_STAFF)
    make_user("cmo", Role.CMO)
    cases = [standard_case(coordinator) for _ in range(30)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(now):
        try:
            barrier.wait(timeout=30)
            results.append(sweep(now=now, batch_size=7))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    for now in (LAST_DAY, AFTER_DUE):
        threads = [threading.Thread(target=run, args=(now,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert sum(r.warned for r in results) == 30
    assert sum(r.breached for r in results) == 30
    assert Notification.objects.filter(kind="clock_warning").count() == 30
    assert Notification.objects.filter(kind="clock_breach").count() == 60  # owner + CMO
    assert len(mail.outbox) == 90
    for case in cases:
        assert alert_levels(case) == ["due_passed", "last_day"]
