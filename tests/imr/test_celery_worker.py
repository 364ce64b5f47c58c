"""A real Celery worker process, on Redis, writes to PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from imr.celery import app
from imr.models import Heartbeat
from tests.support.processes import stop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db, django_db_serialized_rollback):
    """Start `celery worker` on a queue of its own against the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imr.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "imr",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield queue
    stop(process)


@pytest.mark.integration
def test_a_worker_runs_a_task_against_postgresql(worker):
    marker = uuid.uuid4().hex
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    app.send_task("imr.tasks.heartbeat", args=["integration-test", marker], queue=worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = Heartbeat.objects.filter(name="integration-test").first()
        if row is not None:
            break
        time.sleep(0.2)
    assert row is not None, "the worker did not run the task within 60 s"
    assert row.detail == marker
