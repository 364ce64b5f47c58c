"""/healthz: database and broker reachability for load balancers and monitors.

Anonymous callers get only ok / not ok with 200 / 503; an Administrator gets each
check's result, since error texts may name hosts.
"""

import dataclasses
import logging

from django.conf import settings
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from kombu import Connection

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


HEALTH_CHECKS: list[type[HealthCheck]] = [Database, Broker]


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
