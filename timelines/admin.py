"""Administrators keep the holiday calendar and read clocks and sweep runs.

Access is by the "imr.administer" capability rather than per-model permissions, so the
Administrator role needs no extra grants. Holiday changes go through the services so
that running clocks are recomputed (R-DL-10).
"""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from imr.admin_access import AdministratorOnly
from timelines.calendar import calendar_coverage
from timelines.models import Clock, Holiday, SweepRun
from timelines.services import holiday_add, holiday_change, holiday_remove


@admin.register(Holiday)
class HolidayAdmin(AdministratorOnly, SimpleHistoryAdmin):
    list_display = ("date", "weekday", "name", "source", "added_by")
    list_filter = ("source",)
    search_fields = ("name",)
    date_hierarchy = "date"
    fields = ("date", "name")

    @admin.display(description="day")
    def weekday(self, obj: Holiday) -> str:
        return f"{obj.date:%A}"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        """The list says when the calendar reaches fewer than 400 days ahead (R-DL-17)."""
        warning = calendar_coverage().warning()
        if warning and request.method == "GET":
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Removing a holiday goes through holiday_remove, which recomputes clocks.
        return self._administers(request)

    def save_model(self, request: HttpRequest, obj: Holiday, form, change: bool) -> None:
        if change:
            holiday_change(holiday=obj, day=obj.date, name=obj.name, actor=request.user)
        else:
            saved = holiday_add(day=obj.date, name=obj.name, actor=request.user)
            obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        holiday_remove(holiday=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for holiday in queryset:
            holiday_remove(holiday=holiday, actor=request.user)


class ReadOnly(AdministratorOnly):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Clock)
class ClockAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("case", "name", "review_type", "status", "due_at", "extended")
    list_filter = ("status", "name", "review_type")
    raw_id_fields = ("case",)


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnly, admin.ModelAdmin):
    """The last successful sweep, for Administrators (R-DL-11); /healthz checks it too."""

    list_display = (
        "finished_at",
        "scope",
        "as_of",
        "examined",
        "warned",
        "breached",
        "skipped",
    )
    list_filter = ("scope",)
