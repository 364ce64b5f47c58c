"""The plan's business calendar as stored: the Holiday table in the plan's time zone."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from timelines.deadlines import BusinessCalendar
from timelines.models import Holiday


def plan_zone() -> ZoneInfo:
    return ZoneInfo(settings.PLAN_TIME_ZONE)


def business_calendar(*, holidays: dict[date, str] | None = None) -> BusinessCalendar:
    """The calendar from the Holiday table, or from `holidays` when given (a preview).

    The table's calendar ends with the last year that has a holiday entered (R-DL-17);
    a list given for a preview is taken as complete.
    """
    if holidays is not None:
        return BusinessCalendar(zone=plan_zone(), holidays=holidays)
    stored = dict(Holiday.objects.values_list("date", "name"))
    last_year = max(stored).year if stored else None
    return BusinessCalendar(zone=plan_zone(), holidays=stored, last_year=last_year)


@dataclass(frozen=True)
class Coverage:
    """How far ahead the holiday calendar reaches (R-DL-17)."""

    last_day: date | None
    days_ahead: int
    minimum_days: int

    @property
    def enough(self) -> bool:
        return self.days_ahead >= self.minimum_days

    def warning(self) -> str | None:
        """A line for /healthz and the digest, or None when the calendar reaches far enough."""
        if self.enough:
            return None
        if self.last_day is None:
            return "The holiday calendar is empty: business-day clocks cannot be counted."
        return (
            f"The holiday calendar ends {self.last_day:%Y-%m-%d}, {self.days_ahead} days ahead "
            f"(at least {self.minimum_days} needed): add the plan's "
            f"{self.last_day.year + 1} holidays."
        )


def calendar_coverage(*, today: date | None = None) -> Coverage:
    """The last day the stored calendar covers (31 December of its last year) and how many
    days ahead of `today` (the plan's local date) that is."""
    today = today or timezone.now().astimezone(plan_zone()).date()
    last = Holiday.objects.order_by("-date").values_list("date", flat=True).first()
    last_day = date(last.year, 12, 31) if last else None
    return Coverage(
        last_day=last_day,
        days_ahead=(last_day - today).days if last_day else 0,
        minimum_days=settings.HOLIDAY_CALENDAR_MIN_DAYS_AHEAD,
    )
