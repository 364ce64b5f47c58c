"""Two Celery beat replicas are safe: only the lock holder schedules (R-SEC-10).

Two real `celery beat` processes with the RedBeat scheduler production uses, on the real
Redis: the second waits on the lock while the first sends; when the first is killed
(SIGKILL, no release) the second takes over once the lock expires. Every message in the
queue was sent by the one beat holding the lock at the time.
"""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.support.processes import wait_for

ROOT = Path(__file__).resolve().parents[2]
LOCK_TIMEOUT = 3
SENT = "Sending due task heartbeat-every-second"


def _beat(log: Path, *, prefix: str, queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imr.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        "BEAT_KEY_PREFIX": prefix,
        "BEAT_LOCK_TIMEOUT_SECONDS": str(LOCK_TIMEOUT),
        "TEST_BEAT_QUEUE": queue,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "tests.imr.beat_pair_app", "beat",
        "--scheduler", "redbeat.RedBeatScheduler", "--max-interval", "1", "--loglevel", "INFO",
    ]  # fmt: skip
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _sent(log: Path) -> int:
    return log.read_text(errors="replace").count(SENT)


def _has_lock(log: Path) -> bool:
    return "beat: Acquired lock" in log.read_text(errors="replace")


@pytest.fixture
def beats(tmp_path):
    prefix = f"imr:test-beat-{uuid.uuid4().hex[:8]}"
    queue = f"test-beat-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    started: list[subprocess.Popen] = []

    def start(name: str) -> Path:
        log = tmp_path / f"{name}.log"
        started.append(_beat(log, prefix=prefix, queue=queue))
        return log

    yield start, started, lambda: client.llen(queue)
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    client.delete(queue, *client.keys(f"{prefix}*"))


@pytest.mark.integration
def test_two_beats_schedule_each_run_once_and_the_standby_takes_over(beats):
    start, processes, queued = beats
    first = start("first")
    assert wait_for(lambda: _has_lock(first)), first.read_text()
    second = start("second")
    assert wait_for(lambda: "beat: Starting" in second.read_text())
    assert wait_for(lambda: _sent(first) >= 5, 30), first.read_text()
    # Both running: the first sends every second; the second waits for the lock.
    assert not _has_lock(second)
    assert _sent(second) == 0
    assert wait_for(lambda: queued() == _sent(first), 5)

    os.killpg(processes[0].pid, signal.SIGKILL)  # no release: the lock must expire
    processes[0].wait(timeout=10)
    sent_by_first = _sent(first)
    assert wait_for(lambda: _has_lock(second), 30), second.read_text()
    assert wait_for(lambda: _sent(second) >= 2, 30), second.read_text()
    assert wait_for(lambda: queued() == sent_by_first + _sent(second), 5)
