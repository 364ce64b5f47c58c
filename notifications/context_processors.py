"""The header bell: the signed-in user's unread notification count (R-NOT-4)."""

from django.http import HttpRequest

from imr.accounts.backend import unread_notifications


def notification_bell(request: HttpRequest) -> dict[str, object]:
    """The count read with the user (imr.accounts.backend, no query of its own) on a GET;
    after a POST, which may have read or written notifications, one COUNT by the partial
    index on unread rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    read_now = request.method not in ("GET", "HEAD")
    return {"notifications_unread": unread_notifications(user, read_now=read_now)}
