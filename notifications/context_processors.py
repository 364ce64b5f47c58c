"""The header bell: the signed-in user's unread notification count (R-NOT-4)."""

from django.http import HttpRequest

from notifications.models import Notification


def notification_bell(request: HttpRequest) -> dict[str, object]:
    """One COUNT per page, served by the partial index on unread rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": Notification.objects.for_user(user).unread().count()}
