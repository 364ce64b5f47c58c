"""The beat schedule, and the sweep task run by a real Celery worker on Redis + PostgreSQL."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection
from django.utils import timezone

from imr.celery import app
from imr.roles import Role
from notifications.models import Notification
from notifications.tasks import email_notifications
from tests.support.personas import make_user
from tests.support.processes import stop, wait_for
from tests.timelines.conftest import make_case
from timelines.models import ClockAlert, SweepRun
from timelines.services import clocks_start, sweep
from timelines.tasks import sweep_all_clocks

ROOT = Path(__file__).resolve().parents[2]


def test_beat_runs_the_hour_sweep_every_five_minutes_and_the_full_sweep_nightly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    app.loader.import_default_modules()
    assert schedule["timelines-sweep-hour-clocks"]["schedule"] <= 300
    nightly = schedule["timelines-sweep-all-clocks"]["schedule"]
    assert isinstance(nightly, crontab)
    assert settings.CELERY_TIMEZONE == "UTC"
    (hour,) = nightly.hour
    zone = ZoneInfo(settings.PLAN_TIME_ZONE)
    for day in (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)):
        local_hour = day.replace(hour=hour).astimezone(zone).hour
        assert not 1 <= local_hour < 3, "inside the daylight-saving hour"
    for entry in schedule.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_the_nightly_task_sweeps_and_sends_the_digest(coordinator, cmo):
    received = timezone.now() - timedelta(days=20)
    case = make_case(owner=coordinator, received_at=received)
    clocks_start(case=case, trigger="imro_receipt", at=received)
    result = sweep_all_clocks.apply().get()
    # The IMRO clock and the plan's 14-day pre-service decision clock are both past due.
    assert result["breached"] == 2
    assert ClockAlert.objects.filter(clock__case=case, level="due_passed").exists()


def _celery(*args: str, queue: str, **extra_env: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imr.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "TEST_SWEEP_QUEUE": queue,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", *args, "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def mail_folder(tmp_path):
    """Where the worker's e-mails go: Django's file backend."""
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def worker(roles, mail_folder):
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"
    process = _celery(
        "-A", "imr", "worker", "-Q", queue, "--pool", "solo", "--without-gossip",
        "--without-mingle", queue=queue,
        TEST_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_folder),
    )  # fmt: skip
    yield queue
    stop(process)


def _expedited_case_past_due():
    owner = make_user("owner", Role.UM_STAFF)
    make_user("cmo", Role.CMO)
    received = timezone.now() - timedelta(hours=30)
    case = make_case(owner=owner, review_type="expedited", received_at=received)
    clocks_start(case=case, trigger="imro_receipt", at=received)
    return case


@pytest.mark.integration
def test_a_worker_runs_the_sweep_task_against_redis_and_postgresql(worker):
    case = _expedited_case_past_due()
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    app.send_task("timelines.tasks.sweep_all_clocks", queue=worker)
    breached = wait_for(
        lambda: ClockAlert.objects.filter(clock__case=case, level="due_passed").exists()
    )
    assert breached, "the worker did not sweep within 60 s"
    assert wait_for(lambda: SweepRun.objects.filter(scope="all").exists())


@pytest.mark.integration
def test_beat_triggers_the_hour_sweep_on_a_worker(worker):
    case = _expedited_case_past_due()
    beat = _celery(
        "-A", "tests.timelines.beat_app", "beat",
        "--schedule", str(settings.VAR_DIR / f"beat-{worker}"), queue=worker,
    )  # fmt: skip
    try:
        breached = wait_for(
            lambda: ClockAlert.objects.filter(clock__case=case, level="due_passed").exists()
        )
    finally:
        stop(beat)
    assert breached, "beat did not trigger a sweep within 60 s"
    assert ClockAlert.objects.filter(clock__case=case).count() == 3  # 6 h, 2 h, breach


@pytest.mark.integration
def test_the_sweeps_e_mails_are_sent_once_by_a_worker_task_per_batch(worker, mail_folder):
    """Issue 20: the sweeping process stores the notifications and enqueues one e-mail task
    per batch after the batch commits; a worker sends each e-mail once."""
    cases = [_expedited_case_past_due_for(n) for n in range(3)]
    enqueued = []

    def to_the_test_worker(ids):  # the task as enqueued, on this test's queue
        enqueued.append(ids)
        return email_notifications.apply_async(args=[ids], queue=worker)

    with mock.patch.object(email_notifications, "delay", to_the_test_worker):
        first = sweep(batch_size=2)
        again = sweep(batch_size=2)
    assert first.breached == 3 and again.breached == 0
    assert len(enqueued) == 2  # batches of 2 clocks: two tasks, none for the quiet re-run
    notifications = Notification.objects.filter(kind="clock_breach")
    assert notifications.count() == 6  # each case's owner and the CMO
    assert sorted(i for ids in enqueued for i in ids) == sorted(n.pk for n in notifications)
    assert wait_for(lambda: not notifications.filter(emailed_at=None).exists())
    # The file backend ends each message with a line of 79 dashes (files may hold several).
    text = "".join(path.read_text() for path in sorted(mail_folder.iterdir()))
    messages = [m for m in text.split("-" * 79 + "\n") if m.strip()]
    assert len(messages) == 6
    for case in cases:
        assert sum(f"Case {case.pk}:" in message for message in messages) == 2


def _expedited_case_past_due_for(number: int):
    owner = make_user(f"owner{number}", Role.UM_STAFF)
    if number == 0:
        make_user("cmo", Role.CMO)
    received = timezone.now() - timedelta(hours=30)
    case = make_case(owner=owner, review_type="expedited", received_at=received)
    clocks_start(case=case, trigger="imro_receipt", at=received)
    return case
