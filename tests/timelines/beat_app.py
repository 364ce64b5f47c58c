"""The project's Celery app with a fast beat schedule, for the beat integration test.

The hour-sweep entry of the real schedule, every second, routed to the test's own queue.
"""

import os

from django.conf import settings

from imr.celery import app

entry = dict(settings.CELERY_BEAT_SCHEDULE["timelines-sweep-hour-clocks"])
app.conf.beat_schedule = {
    "sweep-hour-clocks": {
        "task": entry["task"],
        "schedule": 1.0,
        "options": {"queue": os.environ["TEST_SWEEP_QUEUE"]},
    }
}
