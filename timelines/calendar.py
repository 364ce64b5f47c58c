"""The plan's business calendar as stored: the Holiday table in the plan's time zone."""

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings

from timelines.deadlines import BusinessCalendar
from timelines.models import Holiday


def plan_zone() -> ZoneInfo:
    return ZoneInfo(settings.PLAN_TIME_ZONE)


def business_calendar(*, holidays: dict[date, str] | None = None) -> BusinessCalendar:
    """The calendar from the Holiday table, or from `holidays` when given (a preview)."""
    if holidays is None:
        holidays = dict(Holiday.objects.values_list("date", "name"))
    return BusinessCalendar(zone=plan_zone(), holidays=holidays)
