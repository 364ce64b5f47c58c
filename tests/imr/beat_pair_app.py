"""The project's Celery app with a one-second schedule, for the two-beat lock test.

One entry, the worker heartbeat every second, routed to the test's own queue that no
worker consumes, so the test counts exactly what the beats sent.
"""

import os

from imr.celery import app

app.conf.beat_schedule = {
    "heartbeat-every-second": {
        "task": "imr.tasks.heartbeat",
        "schedule": 1.0,
        "args": ["beat-pair-test"],
        "options": {"queue": os.environ["TEST_BEAT_QUEUE"]},
    }
}
