"""Beat-scheduled sweeps. Thin: the rules live in timelines.sweep."""

from datetime import datetime

from celery import shared_task
from django.db import OperationalError

from timelines.services import digest_send, sweep


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_hour_clocks() -> dict[str, object]:
    """Every 5 minutes: warnings and breaches of elapsed-hour clocks (expedited)."""
    return sweep(scope="hours").as_dict()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_all_clocks(now: str | None = None) -> dict[str, object]:
    """Nightly: every clock, then the digest for CMOs and UM leads.

    Both steps are idempotent (alerts by unique constraint, the digest by a per-day key),
    so a retry after a crash repeats nothing.
    """
    as_of = datetime.fromisoformat(now) if now else None
    result = sweep(now=as_of, scope="all")
    digest_send(now=as_of)
    return result.as_dict()
