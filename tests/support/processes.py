"""Waiting on and stopping the real processes some tests start (Celery workers and
beats): one polling loop and one stop for all of them."""

import subprocess
import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], object], seconds: float = 60) -> bool:
    """Poll `predicate` every 0.2 s until it is true or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen) -> None:
    """Terminate, and kill if it is still there after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
