"""Beat-scheduled retry of notification e-mails. Thin: the rule is in services."""

from celery import shared_task
from django.db import OperationalError

from notifications.services import notifications_email_pending


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def email_pending_notifications() -> int:
    """Every few minutes: e-mail notifications whose after-commit send never happened."""
    return notifications_email_pending()
