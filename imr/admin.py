from django.contrib import admin

from imr.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "detail")
    readonly_fields = ("name", "beat_at", "detail")

    def has_add_permission(self, request) -> bool:
        return False
