"""Pure deadline arithmetic: no database, no settings, no clock on the wall.

Four rule kinds, never converted into each other (SPEC, Deadlines):

- business days: counted on local dates in the plan's time zone. The day of receipt is
  never counted, whatever the hour and also when it is not a business day; the N-th
  following business day is the last day; due 23:59:59 local on that day. A count that
  would run past the calendar's last configured year is refused (R-DL-17): a year with
  no holidays entered is not a year without holidays.
- calendar days: the N-th local date after the day of receipt, weekends and holidays
  included; due 23:59:59 local on that day (42 CFR 438.408(b)(2), 438.210(d)).
- elapsed hours: computed in UTC, so 24 h across a daylight-saving change is 24 real hours.
- fixed date: due at the end (23:59:59 local) of the given date.

Every computation returns a Deadline whose explanation lets a person check it by hand
(R-DL-9): the start, the rule, each skipped day and why, each counted day, and the due time.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from imr.dates import offset_text
from imr.errors import Refused
from imr.local_time import local_time_parse
from timelines.rules import Rule, RuleKind

# The refusal code of a business-day count past the holiday calendar (R-DL-17).
CALENDAR_NOT_COVERED = "calendar_not_covered"

END_OF_DAY = time(23, 59, 59)
# Business-day counting stops with an error instead of looping forever on a bad calendar.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class BusinessCalendar:
    """Monday to Friday, minus the plan's holidays, in the plan's time zone."""

    zone: ZoneInfo
    holidays: Mapping[date, str] = field(default_factory=dict)
    # The last year whose holidays are entered; None when the list given is complete
    # (a preview's --holidays). Business days after that year are not counted (R-DL-17).
    last_year: int | None = None

    def check_covered(self, day: date, *, counting_from: date) -> None:
        """Refuse a business-day count that reaches past the last configured year."""
        if self.last_year is not None and day.year > self.last_year:
            raise Refused(
                f"The business-day count from {counting_from:%a %Y-%m-%d} runs into "
                f"{day.year}, but the plan's holiday calendar ends with {self.last_year}. "
                f"An Administrator must add the plan's {day.year} holidays before this "
                "deadline can be counted (R-DL-17).",
                code=CALENDAR_NOT_COVERED,
            )

    def skip_reason(self, day: date) -> str | None:
        """Why a day is not a business day, or None when it is one."""
        if day.weekday() >= 5:
            return f"weekend ({day:%A})"
        name = self.holidays.get(day)
        if name is not None:
            return f"holiday ({name})"
        return None

    def is_business_day(self, day: date) -> bool:
        return self.skip_reason(day) is None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def end_of_day(self, day: date) -> datetime:
        """23:59:59 local on that date, as an aware datetime (never ambiguous: DST is at 2am)."""
        return datetime.combine(day, END_OF_DAY, tzinfo=self.zone)

    def start_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=self.zone)

    def next_business_day(self, day: date) -> date:
        candidate = day + timedelta(days=1)
        while not self.is_business_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    def business_days_between(self, first: date, last: date) -> int:
        """Business days after `first` up to and including `last` (0 if last <= first)."""
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count


@dataclass(frozen=True)
class Deadline:
    rule: Rule
    start: datetime
    due: datetime
    # [(date, reason)] for days passed over; [(n, date)] for the days counted.
    skipped: tuple[tuple[date, str], ...] = ()
    counted: tuple[tuple[int, date], ...] = ()
    notes: tuple[str, ...] = ()

    def explanation(self, zone: ZoneInfo) -> dict[str, object]:
        """JSON-ready explanation (R-DL-9); times shown with the plan zone's offset."""
        start_local = self.start.astimezone(zone)
        due_local = self.due.astimezone(zone)
        lines = [f"Start: {_show(start_local)}.", f"Rule: {self.rule.describe()}."]
        lines += list(self.notes)
        lines += [f"Skipped {d:%a %Y-%m-%d}: {reason}." for d, reason in self.skipped]
        if self.counted:
            lines += [f"Business day {n}: {d:%a %Y-%m-%d}." for n, d in self.counted]
        lines.append(f"Due: {_show(due_local)}.")
        return {
            "rule_kind": str(self.rule.kind),
            "amount": self.rule.amount,
            "rule": self.rule.describe(),
            "time_zone": str(zone.key),
            "start": start_local.isoformat(),
            "due": due_local.isoformat(),
            "skipped": [{"date": d.isoformat(), "reason": reason} for d, reason in self.skipped],
            "counted": [{"day": n, "date": d.isoformat()} for n, d in self.counted],
            "notes": list(self.notes),
            "lines": lines,
        }


def _show(moment: datetime) -> str:
    # Seconds matter here: the explanation shows how the due second was reached.
    return f"{moment:%a %Y-%m-%d %H:%M:%S} {moment.tzname()} ({offset_text(moment)})"


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("deadline arithmetic needs an aware datetime")


def business_days_due(start: datetime, days: int, calendar: BusinessCalendar) -> Deadline:
    """Due 23:59:59 local on the `days`-th business day after the local date of `start`."""
    _require_aware(start)
    if days < 1:
        raise ValueError("a business-day rule counts at least one day")
    receipt_day = calendar.local(start).date()
    note = f"The day of receipt, {receipt_day:%a %Y-%m-%d}, is not counted."
    skipped: list[tuple[date, str]] = []
    counted: list[tuple[int, date]] = []
    day = receipt_day
    for _ in range(_MAX_SCAN_DAYS):
        day += timedelta(days=1)
        calendar.check_covered(day, counting_from=receipt_day)
        reason = calendar.skip_reason(day)
        if reason is not None:
            skipped.append((day, reason))
            continue
        counted.append((len(counted) + 1, day))
        if len(counted) == days:
            return Deadline(
                rule=Rule(RuleKind.BUSINESS_DAYS, days),
                start=start,
                due=calendar.end_of_day(day).astimezone(UTC),
                skipped=tuple(skipped),
                counted=tuple(counted),
                notes=(note,),
            )
    raise ValueError("no business day found within ten years; check the holiday calendar")


def calendar_days_due(start: datetime, days: int, calendar: BusinessCalendar) -> Deadline:
    """Due 23:59:59 local on the `days`-th calendar day after the local date of `start`.

    Weekends and holidays count, so the holiday calendar's coverage does not matter.
    """
    _require_aware(start)
    if days < 1:
        raise ValueError("a calendar-day rule counts at least one day")
    receipt_day = calendar.local(start).date()
    last_day = receipt_day + timedelta(days=days)
    return Deadline(
        rule=Rule(RuleKind.CALENDAR_DAYS, days),
        start=start,
        due=calendar.end_of_day(last_day).astimezone(UTC),
        notes=(
            f"The day of receipt, {receipt_day:%a %Y-%m-%d}, is not counted; weekends and "
            f"holidays are. Calendar day {days}: {last_day:%a %Y-%m-%d}.",
        ),
    )


def elapsed_hours_due(start: datetime, hours: int) -> Deadline:
    """Due `hours` real hours after `start`, computed in UTC (DST changes do not matter)."""
    _require_aware(start)
    start_utc = start.astimezone(UTC)
    return Deadline(
        rule=Rule(RuleKind.ELAPSED_HOURS, hours),
        start=start_utc,
        due=start_utc + timedelta(hours=hours),
        notes=(f"{hours} hours are counted as elapsed time in UTC, whatever the clock change.",),
    )


def fixed_date_due(start: datetime, day: date, calendar: BusinessCalendar) -> Deadline:
    """Due at the end of `day` in the plan's zone; `start` is only recorded."""
    _require_aware(start)
    return Deadline(
        rule=Rule(RuleKind.FIXED_DATE),
        start=start,
        due=calendar.end_of_day(day).astimezone(UTC),
        notes=(f"Due at the end of the date given, {day:%a %Y-%m-%d}.",),
    )


def deadline_compute(
    rule: Rule,
    *,
    start: datetime,
    calendar: BusinessCalendar,
    fixed_date: date | None = None,
) -> Deadline:
    """Dispatch on the rule kind; each kind keeps its own arithmetic."""
    if rule.kind == RuleKind.BUSINESS_DAYS:
        return business_days_due(start, rule.amount, calendar)
    if rule.kind == RuleKind.CALENDAR_DAYS:
        return calendar_days_due(start, rule.amount, calendar)
    if rule.kind == RuleKind.ELAPSED_HOURS:
        return elapsed_hours_due(start, rule.amount)
    if fixed_date is None:
        raise ValueError("a fixed-date rule needs the date")
    return fixed_date_due(start, fixed_date, calendar)


def warning_times(
    *,
    due: datetime,
    kind: RuleKind,
    hours_before: tuple[int, ...],
    on_last_day: bool,
    zone: ZoneInfo,
) -> list[tuple[str, datetime]]:
    """The (level, time) at which a clock warns, earliest first (R-DL-11)."""
    times: list[tuple[str, datetime]] = []
    due = due.astimezone(UTC)  # real hours: never wall-clock arithmetic on a local time
    if kind == RuleKind.ELAPSED_HOURS:
        times += [(f"{h}h_left", due - timedelta(hours=h)) for h in hours_before]
    elif on_last_day:
        last_day = due.astimezone(zone).date()
        times.append(("last_day", datetime.combine(last_day, time(0, 0), tzinfo=zone)))
    return sorted(times, key=lambda item: item[1])


def met_by(at: datetime, due: datetime) -> bool:
    """Whether an event at `at` meets a clock due at `due` (R-DL-18): whole seconds, so a
    determination at 23:59:59.4 on the last day is met (due 23:59:59)."""
    return at.replace(microsecond=0) <= due


def parse_local(text: str, zone: ZoneInfo) -> datetime:
    """An ISO-8601 time; without an offset it is in the plan's time zone (R-API-2).

    A local time that does not exist or occurs twice is refused (ValueError naming the
    gap or both readings, R-DL-18): see imr.local_time."""
    return local_time_parse(text, zone)
