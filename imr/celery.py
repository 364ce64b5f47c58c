"""The Celery application. Workers and beat load tasks from every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")

app = Celery("imr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
