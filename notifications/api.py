from rest_framework import serializers
from rest_framework.generics import ListAPIView

from imr.api import ApiAuthMixin
from notifications.models import Notification
from notifications.selectors import notifications_for_user


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "case", "text", "link", "created_at", "read_at"]


class NotificationListView(ApiAuthMixin, ListAPIView):
    """GET /api/v1/notifications/: the caller's own notifications, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset filters by user

    def get_queryset(self):
        return notifications_for_user(user=self.request.user)
