"""Faults that fit in CI: a beat that did not run for a day, and Redis down while UM staff
submit. The long ones (killing the worker mid-sweep, restarting PostgreSQL under
gunicorn, a real Redis outage) are ops/faults.py; see docs/operations.md.
"""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db.models import Count
from django.test import Client, override_settings

from cases.models import Case, Status
from notifications.models import Notification
from reviewers.models import Submission
from tests.security.scenario import NOW
from tests.security.test_concurrency import _ready_case, make_staff
from timelines.models import Clock, ClockAlert, ClockStatus, SweepRun
from timelines.tasks import sweep_all_clocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return make_staff()


UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def _cases_of_every_type(staff) -> list[Case]:
    cases = []
    with time_machine.travel(NOW, tick=False):
        for review_type, extra in (
            ("standard", {}),
            ("retrospective", {}),
            (
                "expedited",
                {"expedited_criterion": "imminent_threat", "expedited_determined_by": "cmo"},
            ),
        ):
            case = _ready_case(
                staff, review_type=review_type, received_at_plan=NOW - timedelta(hours=2), **extra
            )
            from cases.services import case_submit

            case_submit(case=case, actor=staff["um1"])
            cases.append(case)
            Case.objects.filter(pk=case.pk).update(tar_number=f"TAR-{review_type}")
    return cases


def test_a_beat_that_missed_a_day_is_caught_up_by_the_next_sweep(
    staff, django_capture_on_commit_callbacks
):
    cases = _cases_of_every_type(staff)
    running = list(Clock.objects.filter(case__in=cases, status=ClockStatus.RUNNING))
    assert len(running) >= 6
    # Nothing ran for 60 days: every clock is past due (the longest is 30 business days).
    later = NOW + timedelta(days=60)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = sweep_all_clocks(now=later.isoformat())
        second = sweep_all_clocks(now=later.isoformat())
    overdue = [c for c in running if c.due_at <= later]
    assert len(overdue) == len(running)
    alerts = ClockAlert.objects.filter(clock__in=overdue)
    # Every overdue clock reached its last level, and exactly one level was sent per clock.
    assert set(alerts.filter(level="due_passed").values_list("clock_id", flat=True)) == {
        c.pk for c in overdue
    }
    per_clock = alerts.filter(notified=True).values("clock_id").annotate(n=Count("pk"))
    assert sorted(row["n"] for row in per_clock) == [1] * len(overdue)
    assert first["breached"] + first["warned"] == len(overdue)
    assert second["breached"] == second["warned"] == second["notifications"] == 0
    # Nothing left pending: no clock is still selected by the next sweep.
    assert not Clock.objects.filter(
        pk__in=[c.pk for c in overdue], next_alert_at__lte=later
    ).exists()
    # No duplicate notification: one per recipient, clock text and case.
    duplicates = (
        Notification.objects.filter(kind__startswith="clock_")
        .values("recipient_id", "case_id", "text")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert SweepRun.objects.count() == 2
    assert len(mail.outbox) == Notification.objects.exclude(emailed_at=None).count()


def _broker_down(*args, **kwargs):
    raise ConnectionError("Redis is down (fault injected)")


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    },
    CELERY_BROKER_URL=UNREACHABLE_REDIS,
)
def test_submissions_succeed_while_redis_is_down(staff, django_capture_on_commit_callbacks):
    """The database is the source of truth: submitting enqueues nothing and reads no cache.

    Any Celery enqueue on the way would raise here (apply_async is the broker call)."""
    with time_machine.travel(NOW, tick=False):
        case = _ready_case(staff)
    client = Client(raise_request_exception=True)
    client.force_login(staff["um1"])
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch("celery.app.task.Task.apply_async", _broker_down),
        mock.patch("kombu.Connection.ensure_connection", _broker_down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            f"/portal/staff/cases/{case.pk}/submit/", {"delivery": "email"}, follow=True
        )
        health = Client().get("/healthz")
    assert response.status_code == 200
    assert Submission.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert any("ready for your review" in m.subject for m in mail.outbox)
    assert health.status_code == 503  # and the health check says so


def test_notification_e_mails_lost_with_their_process_are_sent_once_by_the_retry_job(staff):
    """The worker died after the sweep committed, before its after-commit e-mails: the
    in-app rows exist, the e-mails do not. The beat-scheduled retry sends each once."""
    from notifications.services import notification_send
    from notifications.tasks import email_pending_notifications

    with (
        time_machine.travel(NOW, tick=False),
        # The after-commit callback is dropped, as when the process is killed first.
        mock.patch("notifications.services.transaction.on_commit"),
    ):
        for number in range(3):
            notification_send(recipient=staff["cmo1"], kind="clock_breach", text=f"Case {number}")
    assert Notification.objects.filter(emailed_at=None).count() == 3
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert email_pending_notifications() == 0  # too recent: the after-commit send's turn
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert email_pending_notifications() == 3
        assert email_pending_notifications() == 0
    assert len(mail.outbox) == 3
    assert not Notification.objects.filter(emailed_at=None).exists()
