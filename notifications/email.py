"""The one seam for outbound e-mail. Tests read Django's locmem outbox."""

from django.conf import settings
from django.core.mail import send_mail


def email_send(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail. Callers pass no PHI in subject or body (R-NOT-4)."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
