"""The signed-in user, read once per request with their role and their unread count.

Django's ModelBackend reads the user, then on the first permission check the user's own
permissions and their groups' permissions (two more queries), and the header reads the
groups' names and the bell its count: five queries on every page (issue 20). Here
`get_user` reads all of it in one query on PostgreSQL. Nothing is kept between requests:
every request reads the role as it stands, so a user taken out of a group, a group that
loses a permission, or an account deactivated is refused on the very next request, as
with Django's own reads. On another database (the embedded SQLite of `bin/run` without
DATABASE_URL) the backend is Django's.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from notifications.models import Notification


@functools.cache
def _user_with_role_sql() -> str:
    """One statement: the user's row, their own and their groups' permissions as
    'app_label.codename', their groups' names and their unread-notification count.

    Written out rather than built with the ORM: the ORM's version of these four
    subqueries took longer to compile (about 2.5 ms of CPU) than to run, on every page.
    The tables are the models' own (tests/imr/test_role_backend.py checks the result
    against Django's reads).
    """
    User = get_user_model()
    user = User._meta.db_table
    user_groups = User.groups.through._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    group = Group._meta.db_table
    permission = Permission._meta.db_table
    content_type = ContentType._meta.db_table
    notification = Notification._meta.db_table
    label = "ct.app_label || '.' || p.codename"
    # Table names from the models' metadata, never from input; the id is a parameter.
    return f"""
        SELECT u.*,
          ARRAY(SELECT {label} FROM {permission} p
                JOIN {user_permissions} up ON up.permission_id = p.id
                JOIN {content_type} ct ON ct.id = p.content_type_id
                WHERE up.user_id = u.id) AS role_user_permissions,
          ARRAY(SELECT {label} FROM {permission} p
                JOIN {group_permissions} gp ON gp.permission_id = p.id
                JOIN {user_groups} ug ON ug.group_id = gp.group_id
                JOIN {content_type} ct ON ct.id = p.content_type_id
                WHERE ug.user_id = u.id) AS role_group_permissions,
          ARRAY(SELECT g.name FROM {group} g
                JOIN {user_groups} ug ON ug.group_id = g.id
                WHERE ug.user_id = u.id ORDER BY g.name) AS role_group_names,
          (SELECT count(*) FROM {notification} n
           WHERE n.recipient_id = u.id AND n.read_at IS NULL) AS role_unread_notifications
        FROM {user} u WHERE u.id = %s
    """  # noqa: S608


class RoleBackend(ModelBackend):
    """ModelBackend whose signed-in user arrives with their permissions already read."""

    def get_user(self, user_id: object) -> AbstractBaseUser | None:
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        User = get_user_model()
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(User.objects.raw(_user_with_role_sql(), [pk])), None)
        if user is None:
            return None
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:
            # The caches ModelBackend fills on its first check, filled from this read. (A
            # superuser's are every permission there is; Django reads those itself.)
            user._user_perm_cache = set(user.role_user_permissions)
            user._group_perm_cache = set(user.role_group_permissions)
        return user


def group_names(user: AbstractBaseUser) -> list[str]:
    """The names of the user's groups (their roles), as the header shows them."""
    names = getattr(user, "role_group_names", None)
    if names is None:
        names = list(user.groups.order_by("name").values_list("name", flat=True))
    return names


def unread_notifications(user: AbstractBaseUser, *, read_now: bool) -> int:
    """The user's unread notifications: the count read with the user at the start of the
    request, or, with `read_now` (a request that may have changed them: a POST), read now."""
    count = None if read_now else getattr(user, "role_unread_notifications", None)
    if count is None:
        count = Notification.objects.for_user(user).unread().count()
    return count
