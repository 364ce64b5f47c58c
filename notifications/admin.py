from django.contrib import admin
from django.http import HttpRequest

from imr.roles import perm
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only for Administrators: who was told what, and when it was e-mailed."""

    list_display = ("created_at", "recipient", "kind", "case", "emailed_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "case")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(perm("administer"))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(perm("administer"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
