from django.urls import path

from notifications.api import NotificationListView

urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notifications-list"),
]
