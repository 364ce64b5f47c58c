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

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import CharField, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from notifications.models import Notification


def _permission_names(permissions: QuerySet[Permission]) -> ArraySubquery:
    """'app_label.codename' of each permission, as ModelBackend keeps them."""
    return ArraySubquery(
        permissions.order_by()
        .annotate(
            full_name=Concat(
                F("content_type__app_label"), Value("."), F("codename"), output_field=CharField()
            )
        )
        .values("full_name")
    )


def users_with_role() -> QuerySet:
    """Users annotated with `role_user_permissions`, `role_group_permissions`,
    `role_group_names` and `role_unread_notifications`."""
    unread = (
        Notification.objects.for_user(OuterRef("pk"))
        .unread()
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return get_user_model().objects.annotate(
        role_user_permissions=_permission_names(Permission.objects.filter(user=OuterRef("pk"))),
        role_group_permissions=_permission_names(
            Permission.objects.filter(group__user=OuterRef("pk"))
        ),
        role_group_names=ArraySubquery(
            Group.objects.filter(user=OuterRef("pk")).order_by("name").values("name")
        ),
        role_unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    )


class RoleBackend(ModelBackend):
    """ModelBackend whose signed-in user arrives with their permissions already read."""

    def get_user(self, user_id: object) -> AbstractBaseUser | None:
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        User = get_user_model()
        try:
            user = users_with_role().get(pk=user_id)
        except User.DoesNotExist:
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
