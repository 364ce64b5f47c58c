"""Reads that shape clocks for pages, the API and the preview command."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from cases.events import SYSTEM_ACTOR, actor_display
from cases.models import Case
from imr.errors import Refused
from timelines.calendar import business_calendar, plan_zone
from timelines.deadlines import BusinessCalendar
from timelines.models import Clock, ClockEvent, ClockStatus
from timelines.rules import (
    EXPEDITED,
    EXTENSION_HOURS,
    RuleKind,
    Trigger,
    rule_named,
    rules_for,
)
from timelines.services import clock_deadline


@dataclass(frozen=True)
class ClockView:
    """One clock as the case page shows it."""

    clock: Clock
    label: str
    due_local: datetime
    time_left: str
    badge: str
    badge_text: str
    explanation: dict


# The CSS classes of static/css/imr.css, with the words shown in the badge.
BADGES = {
    "overdue": "Overdue",
    "today": "Due today",
    "next": "Due next business day",
    "later": "Later",
    "met": "Met",
    "missed": "Missed",
    "cancelled": "Cancelled",
}


# The expedited appeal resolution's hours (R-DL-4): the cap an extension may not pass.
APPEAL_HOURS = rule_named(name="appeal_resolution", review_type=EXPEDITED).rule.amount


def extendable_clocks(*, now: datetime | None = None) -> QuerySet[Clock]:
    """The expedited IMRO clocks the one 24-hour extension could still apply to (R-DL-5):
    running, not yet extended or declined, not yet due, and the extended due time still no
    later than the case's 72-hour appeal-resolution due time."""
    extended_due = ExpressionWrapper(
        OuterRef("due_at") + timedelta(hours=EXTENSION_HOURS), output_field=DateTimeField()
    )
    appeal = Clock.objects.filter(case=OuterRef("case"), name="appeal_resolution").exclude(
        status=ClockStatus.CANCELLED
    )
    return (
        Clock.objects.filter(
            name="imro_determination",
            status=ClockStatus.RUNNING,
            extended=False,
            due_at__gt=now or timezone.now(),
        )
        .exclude(events__kind=ClockEvent.Kind.DECLINED)
        .filter(
            Exists(appeal.filter(due_at__gte=extended_due))
            # No appeal clock (started before the rules table had one): 72 h from receipt.
            | (
                ~Exists(appeal)
                & Q(case__received_at_plan__gte=F("due_at") - timedelta(hours=APPEAL_HOURS))
            )
        )
    )


def extension_open(case: Case, *, now: datetime | None = None) -> Clock | None:
    """The case's clock the extension could still apply to; None once used or moot."""
    return extendable_clocks(now=now).filter(case=case).first()


@dataclass(frozen=True)
class ExtensionOffer:
    """The CMO's extension decision as the case page and Awaiting me show it (R-DL-5).

    Open: `due_local` (the current IMRO due time), `extended_local` (the due time if
    extended) and `cap_local` (the 72-hour appeal-resolution due time it may not pass).
    Decided: `decision` ("extended" or "declined"), when and by whom.
    """

    case_id: int
    due_local: datetime
    extended_local: datetime | None = None
    cap_local: datetime | None = None
    decision: str = ""
    decided_local: datetime | None = None
    decided_by: str = ""

    @property
    def is_open(self) -> bool:
        return not self.decision


def extension_offer(
    case: Case, *, now: datetime | None = None, clocks: list[Clock] | None = None
) -> ExtensionOffer | None:
    """The case's extension decision: open while extendable_clocks() holds its IMRO clock,
    decided once extended or declined, None when no decision is (or was) possible.

    `clocks`: the case's clocks when the caller read them (the case page): a case with no
    IMRO clock has no decision to show, and one whose IMRO clock is not running unextended
    before its due time has no open offer, so those reads are skipped; read by
    clocks_for_case, they also say whether a decision was recorded (`extension_decided`),
    so a case without one reads nothing more.
    """
    now = now or timezone.now()
    zone = plan_zone()
    imro = [c for c in clocks or [] if c.name == "imro_determination"]
    if clocks is not None and not imro:
        return None
    could_open = clocks is None or any(
        c.status == ClockStatus.RUNNING and not c.extended and c.due_at > now for c in imro
    )
    clock = extension_open(case, now=now) if could_open else None
    if clock is None and clocks is not None and _no_decision_among(imro):
        return None
    if clock is not None:
        appeal = (
            Clock.objects.filter(case=case, name="appeal_resolution")
            .exclude(status=ClockStatus.CANCELLED)
            .first()
        )
        cap = appeal.due_at if appeal else case.received_at_plan + timedelta(hours=APPEAL_HOURS)
        return _open_offer(case.pk, clock.due_at, cap, zone)
    decided = (
        ClockEvent.objects.filter(
            clock__case=case,
            clock__name="imro_determination",
            kind__in=[ClockEvent.Kind.EXTENDED, ClockEvent.Kind.DECLINED],
        )
        .select_related("actor", "clock")
        .order_by("at", "pk")
        .first()
    )
    if decided is None:
        return None
    return ExtensionOffer(
        case_id=case.pk,
        due_local=decided.clock.due_at.astimezone(zone),
        decision=str(decided.kind),
        decided_local=decided.at.astimezone(zone),
        decided_by=actor_display(decided.actor) if decided.actor else SYSTEM_ACTOR,
    )


def _no_decision_among(clocks: list[Clock]) -> bool:
    """True when clocks_for_case found no extend or decline event on any of these clocks;
    False when it did, or when the clocks were read some other way (then ask)."""
    return all(getattr(c, "extension_decided", None) is False for c in clocks)


def extension_offers(
    cases: Iterable[Case], *, now: datetime | None = None
) -> dict[int, ExtensionOffer]:
    """Open offers for many cases at once (Awaiting me), in one query."""
    zone = plan_zone()
    cases = list(cases)
    ids = [case.pk for case in cases]
    received = {case.pk: case.received_at_plan for case in cases}
    imro = dict(extendable_clocks(now=now).filter(case_id__in=ids).values_list("case_id", "due_at"))
    appeal = dict(
        Clock.objects.filter(case_id__in=imro, name="appeal_resolution")
        .exclude(status=ClockStatus.CANCELLED)
        .values_list("case_id", "due_at")
    )
    return {
        case_id: _open_offer(
            case_id,
            due,
            appeal.get(case_id) or received[case_id] + timedelta(hours=APPEAL_HOURS),
            zone,
        )
        for case_id, due in imro.items()
    }


def _open_offer(case_id: int, due: datetime, cap: datetime, zone) -> ExtensionOffer:
    return ExtensionOffer(
        case_id=case_id,
        due_local=due.astimezone(zone),
        extended_local=(due + timedelta(hours=EXTENSION_HOURS)).astimezone(zone),
        cap_local=cap.astimezone(zone),
    )


def clocks_for_case(case: Case, *, now: datetime | None = None) -> list[ClockView]:
    """The case's clocks, running first by due time, then stopped ones (R-DL-9)."""
    now = now or timezone.now()
    calendar = business_calendar()
    # Whether the extension was decided rides on the same read (extension_offer).
    decided = ClockEvent.objects.filter(
        clock=OuterRef("pk"), kind__in=[ClockEvent.Kind.EXTENDED, ClockEvent.Kind.DECLINED]
    )
    clocks = sorted(
        Clock.objects.filter(case=case).annotate(extension_decided=Exists(decided)),
        key=lambda c: (not c.is_running, c.due_at, c.pk),
    )
    return [_clock_view(clock, now=now, calendar=calendar) for clock in clocks]


def _clock_view(clock: Clock, *, now: datetime, calendar: BusinessCalendar) -> ClockView:
    due_local = calendar.local(clock.due_at)
    badge = due_window(due_at=clock.due_at, now=now, calendar=calendar)
    badge_text = BADGES[badge]
    if not clock.is_running:
        badge = str(clock.status)
        badge_text = BADGES[badge]
    elif clock.rule_kind == RuleKind.ELAPSED_HOURS and badge != "overdue":
        # Hour clocks count hours, not business days (issue 18 finding 9): "Due in 4 h".
        badge_text = f"Due in {_hours_short(clock.due_at - now)}"
    return ClockView(
        clock=clock,
        label=str(clock.explanation.get("label", clock.name)),
        due_local=due_local,
        time_left=time_left(clock, now=now, calendar=calendar),
        badge=badge,
        badge_text=badge_text,
        explanation=clock.explanation,
    )


def due_window(*, due_at: datetime, now: datetime, calendar: BusinessCalendar) -> str:
    """overdue, today, next (due by the end of the next business day) or later."""
    if due_at < now:
        return "overdue"
    today = calendar.local(now).date()
    if due_at <= calendar.end_of_day(today):
        return "today"
    if due_at <= calendar.end_of_day(calendar.next_business_day(today)):
        return "next"
    return "later"


def time_left(clock: Clock, *, now: datetime, calendar: BusinessCalendar) -> str:
    """Hours for hour clocks, business days for the others; overdue shows how long ago."""
    if not clock.is_running:
        stopped = calendar.local(clock.stopped_at) if clock.stopped_at else None
        return f"stopped {stopped:%a %Y-%m-%d %H:%M %Z}" if stopped else "stopped"
    remaining = clock.due_at - now
    if clock.rule_kind == RuleKind.ELAPSED_HOURS or abs(remaining) < timedelta(days=1):
        text = _hours_text(abs(remaining))
        return f"{text} left" if remaining >= timedelta(0) else f"overdue by {text}"
    today = calendar.local(now).date()
    due_day = calendar.local(clock.due_at).date()
    if clock.rule_kind == RuleKind.CALENDAR_DAYS:
        days = abs((due_day - today).days)
        text = f"{days} calendar day{'s' if days != 1 else ''}"
        return f"overdue by {text}" if remaining < timedelta(0) else f"{text} left"
    if remaining < timedelta(0):
        days = calendar.business_days_between(due_day, today)
        return f"overdue by {days} business day{'s' if days != 1 else ''}"
    days = calendar.business_days_between(today, due_day)
    return f"{days} business day{'s' if days != 1 else ''} left (today not counted)"


def _hours_short(delta: timedelta) -> str:
    """Whole hours left ("4 h"), or minutes under the last hour ("35 min")."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes >= 60 else f"{minutes} min"


def _hours_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


WINDOWS = ("overdue", "today", "next")


def work_queue(
    *,
    user: AbstractBaseUser | None = None,
    window: str | None = None,
    mine: bool = False,
    now: datetime | None = None,
) -> QuerySet:
    """Open cases with their nearest running clock, nearest first (R-TRK-3).

    Each case is annotated with `next_due_at` and `next_clock`; `window` keeps cases whose
    nearest clock is overdue, due today, or due by the end of the next business day. One
    query whatever the number of cases; cost grows with open cases only.
    """
    now = now or timezone.now()
    cases = open_cases_by_due(user=user, window=window, mine=mine, now=now)
    nearest = Clock.objects.filter(case=OuterRef("pk"), status=ClockStatus.RUNNING).order_by(
        "due_at", "pk"
    )
    # A subquery in the select list only: PostgreSQL evaluates it after the sort and
    # the limit, for the rows shown.
    return cases.annotate(next_clock=Subquery(nearest.values("name")[:1]))


def open_cases_by_due(
    *,
    user: AbstractBaseUser | None = None,
    window: str | None = None,
    mine: bool = False,
    now: datetime | None = None,
) -> QuerySet:
    """Open cases annotated with `next_due_at`, nearest first; see work_queue.

    The nearest due time is the minimum over a join on running clocks, grouped by case:
    one hash aggregate over the running clocks (partial index) and the open cases
    (partial index), rather than a correlated subquery per open case, which PostgreSQL
    costs high enough to JIT-compile. Neither side reads closed cases or stopped clocks.
    """
    now = now or timezone.now()
    cases = (
        Case.objects.open()
        .annotate(
            running=FilteredRelation("clocks", condition=Q(clocks__status=ClockStatus.RUNNING)),
            next_due_at=Min("running__due_at"),
        )
        # Cases with no running clock last, on PostgreSQL and SQLite alike.
        .order_by(F("next_due_at").asc(nulls_last=True), "pk")
    )
    if mine and user is not None:
        cases = cases.filter(owner=user)
    if window:
        if window not in WINDOWS:
            raise ValueError(f"unknown due window {window!r}; use one of {', '.join(WINDOWS)}")
        calendar = business_calendar()
        today = calendar.local(now).date()
        end_today = calendar.end_of_day(today)
        if window == "overdue":
            cases = cases.filter(next_due_at__lt=now)
        elif window == "today":
            cases = cases.filter(next_due_at__gte=now, next_due_at__lte=end_today)
        else:
            end_next = calendar.end_of_day(calendar.next_business_day(today))
            cases = cases.filter(next_due_at__gt=end_today, next_due_at__lte=end_next)
    return cases


@dataclass(frozen=True)
class PreviewClock:
    name: str
    label: str
    due_at: datetime
    # The rules-table row used (R-DL-16): description, citation, effective dates, review.
    rule: dict[str, object]
    trigger: str
    started_at: datetime
    on_pass: str
    citation: str
    explanation: dict

    def as_dict(self, zone) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "due_at": self.due_at.astimezone(zone).isoformat(),
            "rule": self.rule,
            "trigger": self.trigger,
            "started_at": self.started_at.astimezone(zone).isoformat(),
            "on_pass": self.on_pass,
            "citation": self.citation,
            "explanation": self.explanation,
        }


def deadlines_preview(
    *,
    review_type: str,
    received_at: datetime,
    imro_received_at: datetime | None = None,
    extended: bool = False,
    holidays: dict[date, str] | None = None,
    response_needed_by: date | None = None,
    origin: str | None = None,
) -> list[PreviewClock]:
    """The regulatory clocks a case would get (R-API-2), without touching the database
    except to read the holiday calendar (replaced by `holidays` when given).

    `received_at` is the receipt at the plan; the IMRO receipt defaults to the same
    moment; the rules-table rows are those in force on its local date (R-DL-16). The
    plan's own clock of an origin (R-DL-14) appears when `origin` is given. `extended`
    applies the expedited extension and refuses (imr.errors.Refused) when R-DL-5 refuses
    it; a business-day count past the stored calendar's last year is refused (R-DL-17).
    The response-needed clock appears when its date is given.
    """
    calendar = business_calendar(holidays=holidays)
    imro_received_at = imro_received_at or received_at
    if extended and review_type != EXPEDITED:
        raise Refused("--extended applies to expedited reviews only (R-DL-5).")
    starts = {
        Trigger.PLAN_RECEIPT: received_at,
        Trigger.IMRO_RECEIPT: imro_received_at,
        Trigger.RESPONSE_NEEDED: received_at if response_needed_by else None,
    }
    clocks: list[PreviewClock] = []
    received_on = calendar.local(received_at).date()
    for row in rules_for(review_type=review_type, origin=origin, on=received_on):
        start = starts.get(row.trigger)
        if not row.regulatory or start is None:
            continue
        deadline, explanation = clock_deadline(
            row=row,
            start=start,
            calendar=calendar,
            fixed_date=response_needed_by,
            extended=extended and row.name == "imro_determination",
        )
        clocks.append(
            PreviewClock(
                name=row.name,
                label=row.label,
                due_at=deadline.due,
                rule=row.as_row(),
                trigger=str(row.trigger),
                started_at=start,
                on_pass=str(row.on_pass),
                citation=row.citation,
                explanation=explanation,
            )
        )
    if extended:
        _check_extension(clocks, calendar)
    return clocks


def _check_extension(clocks: list[PreviewClock], calendar: BusinessCalendar) -> None:
    by_name = {c.name: c for c in clocks}
    imro, appeal = by_name["imro_determination"], by_name["appeal_resolution"]
    if imro.due_at > appeal.due_at:
        zone = calendar.zone
        raise Refused(
            "Extension refused (R-DL-5): the extended IMRO due time "
            f"{imro.due_at.astimezone(zone).isoformat()} would be later than the 72-hour "
            f"appeal resolution due time {appeal.due_at.astimezone(zone).isoformat()} "
            f"(extension: {EXTENSION_HOURS} hours)."
        )
