from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from notifications.models import Notification


def notifications_for_user(*, user: AbstractBaseUser, unread_only: bool = False) -> QuerySet:
    notifications = Notification.objects.for_user(user)
    return notifications.unread() if unread_only else notifications
