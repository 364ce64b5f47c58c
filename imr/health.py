"""/healthz: database and broker reachability, and sweep freshness, for monitors.

Anonymous callers get only ok / not ok with 200 / 503; an Administrator gets each
check's result, since error texts may name hosts. Warnings (the holiday calendar
reaching fewer than 400 days ahead, R-DL-17) do not make the service unhealthy: the
product still counts every deadline it can and refuses the others, so restarting it
would not help. They are listed by name for everyone and in words for Administrators.
"""

import dataclasses
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from kombu import Connection

from timelines.calendar import calendar_coverage
from timelines.models import Clock, SweepRun

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or the embedded filesystem broker)."""

    def run(self) -> None:
        try:
            with Connection(
                settings.CELERY_BROKER_URL,
                transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                connect_timeout=3,
            ) as connection:
                connection.ensure_connection(max_retries=1)
        except Exception as exc:  # any transport error means "not reachable"
            raise ServiceUnavailable("broker unreachable") from exc


# A nightly full sweep is due every 24 h; 26 h leaves room for a slow or retried run.
SWEEP_MAX_AGE = timedelta(hours=26)


@dataclasses.dataclass
class Sweep(HealthCheck):
    """The last full deadline sweep finished within 26 hours (R-DL-11).

    Before any sweep has run, it reports a problem only once a sweep is owed: a clock has
    been running for more than 26 hours. A fresh install with no clocks is healthy.
    """

    def run(self) -> None:
        limit = timezone.now() - SWEEP_MAX_AGE
        last = SweepRun.objects.filter(scope=SweepRun.Scope.ALL).order_by("-finished_at").first()
        if last is not None:
            if last.finished_at < limit:
                raise ServiceUnavailable(
                    f"last full sweep finished {last.finished_at:%Y-%m-%d %H:%M} UTC"
                )
            return
        if Clock.objects.running().filter(started_at__lt=limit).exists():
            raise ServiceUnavailable("no full sweep has run and clocks are running")


HEALTH_CHECKS: list[type[HealthCheck]] = [Database, Broker, Sweep]


def health_warnings() -> dict[str, str]:
    """Degraded but live: each warning's name and text (R-DL-17). A database that cannot
    be read is the Database check's failure, not a warning."""
    try:
        warning = calendar_coverage().warning()
    except Exception:  # reported by the Database check; never a 500 here
        logger.exception("health warning check crashed")
        return {}
    return {"holiday_calendar": warning} if warning else {}


def run_health_checks() -> dict[str, str | None]:
    """Run each check in this thread; map its name to None (healthy) or an error text."""
    results: dict[str, str | None] = {}
    for check_class in HEALTH_CHECKS:
        try:
            check_class().run()
        except HealthCheckException as exc:
            results[check_class.__name__] = str(exc)
        except Exception:  # a check that crashes reports unhealthy, never a 500
            logger.exception("health check %s crashed", check_class.__name__)
            results[check_class.__name__] = "error"
        else:
            results[check_class.__name__] = None
    return results
