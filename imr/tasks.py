from celery import shared_task
from django.utils import timezone

from imr.models import Heartbeat


@shared_task
def heartbeat(name: str = "worker", detail: str = "") -> None:
    """Record that a worker picked up a task (proves broker → worker → database)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "detail": detail[:200]}
    )
