"""Notification e-mail tasks. Thin: the rules are in notifications.services."""

from celery import shared_task
from django.db import OperationalError

from notifications.services import notifications_email, notifications_email_pending


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail one batch of new notifications (a sweep batch's, enqueued after its commit).

    A retry, or a second delivery of the task, repeats nothing: a row already e-mailed,
    or claimed by a live sender, is not claimed again.
    """
    return notifications_email(notification_ids=notification_ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def email_pending_notifications() -> int:
    """Every few minutes: e-mail notifications whose after-commit send never happened."""
    return notifications_email_pending()
