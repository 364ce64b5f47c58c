"""A user's own notifications. Nobody reads another user's."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.models import Notification
from notifications.selectors import notifications_for_user
from notifications.services import notification_mark_read, notifications_mark_all_read


def _get_notification_for_user(request: HttpRequest, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def inbox(request: HttpRequest) -> HttpResponse:
    notifications = notifications_for_user(user=request.user)[:100]
    return render(request, "notifications/inbox.html", {"notifications": notifications})


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _get_notification_for_user(request, pk)
    notification_mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
