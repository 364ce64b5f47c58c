"""At-least-once e-mail through the real path: beat's retry task on Redis, a Celery worker
process on PostgreSQL (R-SEC-9).

A sender in this process claims a batch and dies holding it. A real worker running the
retry task leaves the held rows alone while the lease lasts (it sends only the rows never
claimed), and sends them once the lease is over. The worker runs with a 10-second lease.
"""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from imr.celery import app
from notifications.models import Notification
from notifications.services import NotificationDraft, notifications_email, notifications_send_bulk
from tests.support.processes import stop, wait_for

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 10


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the sender catches it."""


@pytest.fixture
def worker(transactional_db):
    queue = f"test-mail-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imr.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_TIMEOUT_SECONDS": "1",
        "NOTIFICATION_EMAIL_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "imr", "worker", "-Q", queue,
            "--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    yield queue
    stop(process)


def _worker_ready(queue: str):
    """Ask the worker for a heartbeat; true once it has written it."""
    from imr.models import Heartbeat

    marker = uuid.uuid4().hex
    app.send_task("imr.tasks.heartbeat", args=["mail-lease-test", marker], queue=queue)
    return lambda: Heartbeat.objects.filter(name="mail-lease-test", detail=marker).exists()


@pytest.mark.integration
def test_a_worker_retakes_a_dead_senders_claim_only_after_its_lease(worker, coordinator):
    assert wait_for(_worker_ready(worker)), "the worker did not start within 60 s"

    def drafts(prefix: str) -> list[NotificationDraft]:
        return [
            NotificationDraft(
                recipient_id=coordinator.pk, kind="clock_breach", text=f"{prefix} {n}"
            )
            for n in range(5)
        ]

    # Both sets are older than the retry job's 2 minutes; their after-commit send is
    # dropped, as when the process is killed first.
    with (
        time_machine.travel(timezone.now() - timedelta(minutes=10)),
        mock.patch("notifications.services.transaction.on_commit"),
    ):
        held = notifications_send_bulk(drafts=drafts("Held"))
        never_claimed = notifications_send_bulk(drafts=drafts("Never claimed"))
    calls = []

    def dies_on_the_second(**kwargs) -> None:
        calls.append(kwargs)
        if len(calls) == 2:
            raise WorkerKilled

    with (
        mock.patch("notifications.services.email_send", dies_on_the_second),
        pytest.raises(WorkerKilled),
    ):
        notifications_email(notification_ids=held)
    claimed_at = timezone.now()
    unsent = Notification.objects.filter(emailed_at=None)
    assert unsent.filter(pk__in=held).count() == 4  # claimed and held by the dead sender

    app.send_task("notifications.tasks.email_pending_notifications", queue=worker)
    assert wait_for(lambda: not unsent.filter(pk__in=never_claimed).exists())
    assert timezone.now() < claimed_at + timedelta(seconds=LEASE_SECONDS)
    assert unsent.filter(pk__in=held).count() == 4  # within the lease: not stolen

    assert wait_for(lambda: timezone.now() > claimed_at + timedelta(seconds=LEASE_SECONDS + 1))
    app.send_task("notifications.tasks.email_pending_notifications", queue=worker)
    assert wait_for(lambda: not unsent.exists())
    retaken = Notification.objects.filter(pk__in=held, emailed_at__gt=claimed_at)
    assert retaken.count() == 4
    assert all(
        row.emailed_at >= claimed_at + timedelta(seconds=LEASE_SECONDS) for row in retaken
    )  # sent by the worker only after the lease
