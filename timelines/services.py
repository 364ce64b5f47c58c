"""Clocks on cases: start, stop, recompute, extend (policy VI.G; R-DL-1…12).

Other apps call these with keyword arguments only:

- clocks_start(case=, trigger=, at=, actor=None): at case creation ("plan_receipt"),
  when the CMO approves the referral ("referral_approval"), at IMRO receipt of the
  complete file ("imro_receipt"), when the date response needed is set ("response_needed").
- clocks_stop(case=, trigger=, at=, actor=None): "determination_received",
  "appeal_resolved", "file_sent".
- clocks_cancel(case=, reason=, actor=None): the case is withdrawn.
- clocks_recompute_for_case(case=, actor=None, imro_received_at=None,
  receipt_changed=False): the review type, the origin, a receipt time or the date
  response needed changed. Each running clock keeps the rules-table row it was started
  with (R-DL-16), unless the receipt at the plan itself changed.
- clocks_recompute_rules(case=, reason=, actor=None): on purpose, after the rules table
  changed: running clocks take the rows now in force at the case's receipt, and the case
  history names each old and new due time (manage.py recompute_clocks).
- extension_grant(case=, actor=, reason=) / extension_decline(...): R-DL-5.

Sweeps and the digest live in timelines.sweep; the business calendar in timelines.calendar,
built from the Holiday model (timelines.models).
"""

from datetime import date, datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.events import case_event_add
from cases.models import Case
from imr.dates import offset_text, when_text
from imr.errors import Refused
from imr.roles import perm
from reports.summary import summary_refresh
from timelines.calendar import business_calendar, plan_zone
from timelines.deadlines import (
    BusinessCalendar,
    Deadline,
    deadline_compute,
    elapsed_hours_due,
    met_by,
)
from timelines.models import Clock, ClockAlert, ClockEvent, ClockStatus, Holiday
from timelines.rules import (
    EXTENSION_HOURS,
    ClockRule,
    RuleKind,
    StopEvent,
    Trigger,
    rule_for_clock,
    rule_named,
    rules_for,
)
from timelines.thresholds import next_alert_at


def clock_deadline(
    *,
    row: ClockRule,
    start: datetime,
    calendar: BusinessCalendar,
    fixed_date: date | None = None,
    extended: bool = False,
) -> tuple[Deadline, dict[str, object]]:
    """Compute one clock's due time and its explanation (R-DL-9)."""
    deadline = deadline_compute(row.rule, start=start, calendar=calendar, fixed_date=fixed_date)
    explanation = deadline.explanation(calendar.zone)
    if extended:
        extended_due = deadline.due + timedelta(hours=EXTENSION_HOURS)
        due_local = extended_due.astimezone(calendar.zone)
        explanation["extension_hours"] = EXTENSION_HOURS
        explanation["due_before_extension"] = explanation["due"]
        explanation["due"] = due_local.isoformat()
        explanation["lines"] = [
            *explanation["lines"],
            f"Extended once by {EXTENSION_HOURS} elapsed hours (R-DL-5): "
            f"due {due_local:%a %Y-%m-%d %H:%M:%S %Z} ({offset_text(due_local)}).",
        ]
        deadline = Deadline(
            rule=deadline.rule,
            start=deadline.start,
            due=extended_due,
            skipped=deadline.skipped,
            counted=deadline.counted,
            notes=deadline.notes,
        )
    in_force = f"from {row.effective_from:%Y-%m-%d}" + (
        f" to {row.effective_to:%Y-%m-%d}" if row.effective_to else ", open-ended"
    )
    explanation["lines"] = [
        *explanation["lines"],
        f"Rules-table row {row.key}: in force for receipts at the plan {in_force}; "
        f"last reviewed {row.last_reviewed:%Y-%m-%d} (R-DL-16).",
    ]
    explanation.update(
        name=row.name,
        label=row.label,
        trigger=str(row.trigger),
        on_pass=str(row.on_pass),
        citation=row.citation,
        rule_row=row.as_row(),
    )
    return deadline, explanation


def case_rules(case: Case, *, trigger: Trigger | None = None) -> list[ClockRule]:
    """The rules-table rows in force at the case's receipt at the plan (R-DL-16)."""
    received_on = case.received_at_plan.astimezone(plan_zone()).date()
    return rules_for(
        review_type=case.review_type, origin=case.origin, on=received_on, trigger=trigger
    )


def clock_rule(clock: Clock) -> ClockRule:
    """The row a clock was computed with."""
    return rule_for_clock(rule_key=clock.rule_key, name=clock.name, review_type=clock.review_type)


def _start_for(
    case: Case, trigger: str, at: datetime | None
) -> tuple[datetime | None, date | None]:
    """The start time (and for the fixed-date clock, the date) of a trigger on this case."""
    if trigger == Trigger.RESPONSE_NEEDED:
        if case.response_needed_by is None:
            return None, None
        return at or timezone.now(), case.response_needed_by
    if at is not None:
        return at, None
    if trigger == Trigger.PLAN_RECEIPT:
        return case.received_at_plan, None
    if trigger == Trigger.REFERRAL_APPROVAL:
        return case.referral_approved_at, None
    return None, None


@transaction.atomic
def clocks_start(
    *,
    case: Case,
    trigger: str,
    at: datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> list[Clock]:
    """Start the clocks that `trigger` starts for the case's review type (SPEC Deadlines).

    `at` is the triggering moment (aware); for "plan_receipt" and "referral_approval" it
    defaults to the case's received_at_plan / referral_approved_at. Idempotent: a clock
    already live on the case is left as it is (unique constraint). IMRO receipt means the
    file was sent, so it also stops the internal file-assembly clock (R-DL-12).
    Returns the clocks this call started.
    """
    trigger = Trigger(trigger)
    start, fixed_date = _start_for(case, trigger, at)
    if start is None:
        return []
    calendar = business_calendar()
    started = [
        clock
        for row in case_rules(case, trigger=trigger)
        if (clock := _clock_create(case, row, start, fixed_date, calendar, actor)) is not None
    ]
    if trigger == Trigger.IMRO_RECEIPT:
        clocks_stop(case=case, trigger=StopEvent.FILE_SENT, at=start, actor=actor)
    return started


def _clock_create(
    case: Case,
    row: ClockRule,
    start: datetime,
    fixed_date: date | None,
    calendar: BusinessCalendar,
    actor: AbstractBaseUser | None,
) -> Clock | None:
    deadline, explanation = clock_deadline(
        row=row, start=start, calendar=calendar, fixed_date=fixed_date
    )
    clock = Clock(
        case=case,
        name=row.name,
        review_type=case.review_type,
        trigger=row.trigger,
        rule_kind=row.rule.kind,
        rule_amount=row.rule.amount,
        rule_key=row.key,
        on_pass=row.on_pass,
        started_at=start,
        due_at=deadline.due,
        explanation=explanation,
    )
    clock.next_alert_at = next_alert_at(clock=clock, recorded=set(), zone=calendar.zone)
    try:
        with transaction.atomic():
            clock.save(force_insert=True)
    except IntegrityError:
        return None  # already live on this case
    ClockEvent.objects.create(
        clock=clock,
        kind=ClockEvent.Kind.STARTED,
        actor=actor,
        data={"started_at": start.isoformat(), "due_at": deadline.due.isoformat()},
    )
    return clock


@transaction.atomic
def clocks_stop(
    *,
    case: Case,
    trigger: str,
    at: datetime,
    actor: AbstractBaseUser | None = None,
) -> list[Clock]:
    """Stop the running clocks that `trigger` stops; each records met or missed (R-DL-10).

    Met when the event happened at or before the due time, in whole seconds (R-DL-18).
    Returns the stopped clocks.
    """
    trigger = StopEvent(trigger)
    stopped = []
    for clock in Clock.objects.running().filter(case=case).select_for_update():
        if clock_rule(clock).stops_on != trigger:
            continue
        clock.status = ClockStatus.MET if met_by(at, clock.due_at) else ClockStatus.MISSED
        clock.stopped_at = at
        clock.next_alert_at = None
        clock.save(update_fields=["status", "stopped_at", "next_alert_at"])
        ClockEvent.objects.create(
            clock=clock,
            kind=ClockEvent.Kind.STOPPED,
            actor=actor,
            data={"event": str(trigger), "at": at.isoformat(), "status": clock.status},
        )
        stopped.append(clock)
    return stopped


@transaction.atomic
def clocks_cancel(*, case: Case, reason: str, actor: AbstractBaseUser | None = None) -> list[Clock]:
    """Cancel every running clock of the case (withdrawn): neither met nor missed."""
    cancelled = []
    for clock in Clock.objects.running().filter(case=case).select_for_update():
        _clock_cancel(clock, reason=reason, actor=actor)
        cancelled.append(clock)
    return cancelled


def _clock_cancel(clock: Clock, *, reason: str, actor: AbstractBaseUser | None) -> None:
    clock.status = ClockStatus.CANCELLED
    clock.stopped_at = timezone.now()
    clock.next_alert_at = None
    clock.save(update_fields=["status", "stopped_at", "next_alert_at"])
    ClockEvent.objects.create(
        clock=clock, kind=ClockEvent.Kind.CANCELLED, actor=actor, data={"reason": reason}
    )


@transaction.atomic
def clocks_recompute_for_case(
    *,
    case: Case,
    actor: AbstractBaseUser | None = None,
    imro_received_at: datetime | None = None,
    receipt_changed: bool = False,
) -> list[Clock]:
    """Bring the case's clocks in line with its inputs (R-DL-10).

    Running clocks whose rule no longer applies to the review type or origin are
    cancelled; running clocks are recomputed from the case's receipt times, approval time
    and date response needed (and `imro_received_at` when the IMRO receipt time changed),
    each with the rules-table row it was started with (R-DL-16: a change of the table
    does not move a running clock by itself); clocks whose trigger has happened but which
    are missing are started with the rows in force at receipt. Stopped clocks are history
    and stay as they are. Old values stay in the clock's history. Returns changed clocks.

    `receipt_changed` (the audited receipt at the plan was corrected, R-TRK-9): the case
    now uses the rows in force at the new receipt, so running clocks take those rows.
    """
    return _recompute(
        case,
        actor=actor,
        imro_received_at=imro_received_at,
        reselect=receipt_changed,
        cause="receipt at the plan changed" if receipt_changed else "case inputs",
    )


@transaction.atomic
def clocks_recompute_rules(
    *, case: Case, reason: str, actor: AbstractBaseUser | None = None
) -> list[dict[str, str | None]]:
    """Recompute the case's running clocks with the rules-table rows now in force at its
    receipt at the plan, on purpose (R-DL-16).

    Needs a written reason (Refused otherwise, nothing changed). Clocks the current rows
    add are started, clocks whose row no longer applies are cancelled. Writes one case
    event naming each changed clock with its old and new due time and row, and the reason;
    nothing when no clock changes. Returns those changes.
    """
    if not reason.strip():
        raise Refused("Recomputing clocks with the current rules needs a written reason.")
    zone = plan_zone()
    before = {
        clock.pk: (clock.due_at, clock.rule_key)
        for clock in Clock.objects.filter(case=case)
        .exclude(status=ClockStatus.CANCELLED)
        .select_for_update()
    }
    changed = _recompute(case, actor=actor, reselect=True, cause=f"rules table: {reason}")
    changes = []
    for clock in changed:
        old_due, old_key = before.get(clock.pk, (None, ""))
        cancelled = clock.status == ClockStatus.CANCELLED
        changes.append(
            {
                "clock": clock.name,
                "old_due_at": old_due.astimezone(zone).isoformat() if old_due else None,
                "new_due_at": None if cancelled else clock.due_at.astimezone(zone).isoformat(),
                "old_rule": old_key or None,
                "new_rule": None if cancelled else clock.rule_key,
            }
        )
    if changes:
        parts = [
            f"{c['clock']}: {_shown(c['old_due_at'], 'none')} → "
            f"{_shown(c['new_due_at'], 'cancelled')}"
            for c in changes
        ]
        case_event_add(
            case=case,
            kind="clocks_recomputed",
            summary="Clocks recomputed with the current rules table: " + "; ".join(parts) + ".",
            actor=actor,
            data={"reason": reason, "changes": changes},
            actor_name="" if actor else "Operator (manage.py recompute_clocks)",
        )
        summary_refresh(case_ids=[case.pk])
    return changes


def _recompute(
    case: Case,
    *,
    actor: AbstractBaseUser | None,
    reselect: bool,
    imro_received_at: datetime | None = None,
    cause: str = "case inputs",
) -> list[Clock]:
    case.refresh_from_db()
    calendar = business_calendar()
    live = {
        clock.name: clock
        for clock in Clock.objects.filter(case=case)
        .exclude(status=ClockStatus.CANCELLED)
        .select_for_update()
    }
    applicable = {row.name: row for row in case_rules(case)}
    changed: list[Clock] = []
    for name, clock in live.items():
        if clock.is_running and (name not in applicable or clock.review_type != case.review_type):
            _clock_cancel(clock, reason="review type or origin changed", actor=actor)
            changed.append(clock)
    imro_start = imro_received_at or next(
        (c.started_at for c in live.values() if c.trigger == Trigger.IMRO_RECEIPT), None
    )
    for name, row in applicable.items():
        clock = live.get(name)
        if clock is not None and clock.status == ClockStatus.CANCELLED:
            clock = None
        if clock is not None and not clock.is_running:
            continue
        if row.trigger == Trigger.IMRO_RECEIPT:
            start, fixed_date = imro_start, None
        elif row.trigger == Trigger.RESPONSE_NEEDED:
            # The fixed-date clock keeps its start; only the date can move.
            start, fixed_date = _start_for(case, row.trigger, clock.started_at if clock else None)
        else:
            start, fixed_date = _start_for(case, row.trigger, None)
        if start is None:
            continue
        if clock is None:
            created = _clock_create(case, row, start, fixed_date, calendar, actor)
            if created is not None:
                changed.append(created)
            continue
        if not reselect and clock.rule_key:
            row = clock_rule(clock)
        if _clock_recompute(clock, row, start, fixed_date, calendar, actor, cause=cause):
            changed.append(clock)
    return changed


def _clock_recompute(
    clock: Clock,
    row: ClockRule,
    start: datetime,
    fixed_date: date | None,
    calendar: BusinessCalendar,
    actor: AbstractBaseUser | None,
    *,
    cause: str,
) -> bool:
    deadline, explanation = clock_deadline(
        row=row, start=start, calendar=calendar, fixed_date=fixed_date, extended=clock.extended
    )
    same_row = row.key == clock.rule_key or not clock.rule_key  # blank: made outside services
    if deadline.due == clock.due_at and start == clock.started_at and same_row:
        return False
    old_due, old_key = clock.due_at, clock.rule_key
    clock.started_at = start
    clock.due_at = deadline.due
    clock.explanation = explanation
    clock.rule_key = row.key
    clock.rule_kind = row.rule.kind
    clock.rule_amount = row.rule.amount
    clock.on_pass = row.on_pass
    recorded = set(ClockAlert.objects.filter(clock=clock).values_list("level", flat=True))
    clock.next_alert_at = next_alert_at(clock=clock, recorded=recorded, zone=calendar.zone)
    clock.save(
        update_fields=[
            "started_at",
            "due_at",
            "explanation",
            "next_alert_at",
            "extended",
            "rule_key",
            "rule_kind",
            "rule_amount",
            "on_pass",
        ]
    )
    data = {"cause": cause, "old_due_at": old_due.isoformat(), "due_at": clock.due_at.isoformat()}
    if old_key != row.key:
        data.update(old_rule=old_key, rule=row.key)
    ClockEvent.objects.create(clock=clock, kind=ClockEvent.Kind.RECOMPUTED, actor=actor, data=data)
    return True


def clocks_recompute_for_calendar(
    *, changed_dates: list[date] | None = None, actor: AbstractBaseUser | None = None
) -> int:
    """After a holiday change, recompute the running business-day clocks it can move.

    Only running clocks are touched; met, missed and cancelled clocks keep the due time
    they were judged by. Hour and fixed-date clocks do not depend on holidays. With
    `changed_dates`, only clocks whose counting window contains one of them are read.
    Returns how many clocks got a new due time.
    """
    calendar = business_calendar()
    clocks = Clock.objects.running().filter(rule_kind=RuleKind.BUSINESS_DAYS)
    if changed_dates:
        windows = Clock.objects.none()
        for day in changed_dates:
            # A holiday on `day` matters when receipt day < day <= last counted day.
            windows |= clocks.filter(
                started_at__lt=calendar.start_of_day(day),
                due_at__gte=calendar.start_of_day(day),
            )
        clocks = windows
    count = 0
    for clock_id in clocks.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            clock = Clock.objects.select_for_update().get(pk=clock_id)
            if not clock.is_running:
                continue
            row = clock_rule(clock)
            if _clock_recompute(
                clock, row, clock.started_at, None, calendar, actor, cause="holiday calendar"
            ):
                count += 1
                summary_refresh(case_ids=[clock.case_id])
    return count


@transaction.atomic
def extension_grant(
    *, case: Case, actor: AbstractBaseUser, reason: str, now: datetime | None = None
) -> Clock:
    """Extend the expedited IMRO determination clock once by 24 hours (R-DL-5, VI.G.2.b).

    Only the CMO or Physician Designee ("imr.decide_cases"), with a written reason, once
    per case, before the IMRO due time has passed, and only when the extended due time is
    no later than the 72-hour appeal-resolution due time. Otherwise Refused (imr.errors),
    naming both times.
    """
    now = now or timezone.now()
    zone = plan_zone()
    if not actor.has_perm(perm("decide_cases")):
        raise Refused("Only the CMO or a Physician Designee may grant an extension.")
    if not reason.strip():
        raise Refused("An extension needs a written reason (R-DL-5).")
    if case.review_type != "expedited":
        raise Refused("Only expedited reviews can be extended (R-DL-5).")
    clocks = {
        c.name: c
        for c in Clock.objects.filter(case=case)
        .exclude(status=ClockStatus.CANCELLED)
        .select_for_update()
    }
    clock = clocks.get("imro_determination")
    if clock is None or not clock.is_running:
        raise Refused("The IMRO determination clock is not running on this case.")
    if clock.extended:
        raise Refused("The IMRO determination was already extended once (R-DL-5).")
    if clock.events.filter(kind=ClockEvent.Kind.DECLINED).exists():
        raise Refused("The extension of this case was already declined (R-DL-5).")
    if clock.due_at <= now:
        raise Refused(
            f"The IMRO determination was due {_local(clock.due_at, zone)}; "
            "a deadline that has passed cannot be extended."
        )
    extended_due = clock.due_at + timedelta(hours=EXTENSION_HOURS)
    appeal = clocks.get("appeal_resolution")
    appeal_hours = rule_named(name="appeal_resolution", review_type="expedited").rule.amount
    appeal_due = (
        appeal.due_at
        if appeal is not None
        else elapsed_hours_due(case.received_at_plan, appeal_hours).due
    )
    if extended_due > appeal_due:
        raise Refused(
            f"Extension refused (R-DL-5): the extended IMRO due time "
            f"{_local(extended_due, zone)} would be later than the 72-hour appeal "
            f"resolution due time {_local(appeal_due, zone)}."
        )
    row = clock_rule(clock)
    old_due = clock.due_at
    clock.extended = True
    _clock_recompute(
        clock, row, clock.started_at, None, business_calendar(), actor, cause="extension"
    )
    ClockEvent.objects.create(
        clock=clock,
        kind=ClockEvent.Kind.EXTENDED,
        actor=actor,
        data={
            "reason": reason,
            "old_due_at": old_due.isoformat(),
            "due_at": clock.due_at.isoformat(),
            "appeal_resolution_due_at": appeal_due.isoformat(),
        },
    )
    case_event_add(
        case=case,
        kind="clock_extended",
        summary=f"IMRO determination extended by {EXTENSION_HOURS} hours to "
        f"{_local(clock.due_at, zone)}.",
        actor=actor,
        data={"clock": clock.pk, "reason": reason},
    )
    summary_refresh(case_ids=[case.pk])
    return clock


@transaction.atomic
def extension_decline(
    *, case: Case, actor: AbstractBaseUser, reason: str, now: datetime | None = None
) -> Clock:
    """Record the CMO's decision not to extend the expedited IMRO clock (R-DL-5).

    The decision is made once: a declined clock is no longer offered the extension and
    runs to its due time unchanged. Only while the extension could still be granted (the
    clock runs, unextended, not yet due), by the CMO or Physician Designee, with a reason.
    """
    now = now or timezone.now()
    if not actor.has_perm(perm("decide_cases")):
        raise Refused("Only the CMO or a Physician Designee may decide an extension.")
    if not reason.strip():
        raise Refused("Declining an extension needs a written reason (R-DL-5).")
    clock = (
        Clock.objects.running()
        .filter(case=case, name="imro_determination", review_type="expedited")
        .select_for_update()
        .first()
    )
    if clock is None or clock.extended or clock.due_at <= now:
        raise Refused("The extension of this case is no longer open to a decision (R-DL-5).")
    if clock.events.filter(kind=ClockEvent.Kind.DECLINED).exists():
        raise Refused("The extension of this case was already declined (R-DL-5).")
    ClockEvent.objects.create(
        clock=clock, kind=ClockEvent.Kind.DECLINED, actor=actor, data={"reason": reason}
    )
    case_event_add(
        case=case,
        kind="clock_extension_declined",
        summary="The 24-hour extension of the IMRO determination was declined; due "
        f"{_local(clock.due_at, plan_zone())} unchanged.",
        actor=actor,
        data={"clock": clock.pk, "reason": reason},
    )
    return clock


def _shown(iso: str | None, missing: str) -> str:
    return when_text(datetime.fromisoformat(iso)) if iso else missing


def _local(moment: datetime, zone) -> str:
    return when_text(moment.astimezone(zone))


@transaction.atomic
def holiday_add(
    *, day: date, name: str, actor: AbstractBaseUser | None, source: str = "administrator"
) -> Holiday:
    """Add a day the plan is closed and recompute the running clocks it moves."""
    holiday = Holiday.objects.create(date=day, name=name, source=source, added_by=actor)
    clocks_recompute_for_calendar(changed_dates=[day], actor=actor)
    return holiday


@transaction.atomic
def holiday_change(
    *, holiday: Holiday, day: date, name: str, actor: AbstractBaseUser | None
) -> Holiday:
    """Rename or move a holiday; a move recomputes clocks around both dates."""
    old_day = Holiday.objects.values_list("date", flat=True).get(pk=holiday.pk)
    holiday.date, holiday.name = day, name
    holiday.save(update_fields=["date", "name"])
    if old_day != day:
        clocks_recompute_for_calendar(changed_dates=[old_day, day], actor=actor)
    return holiday


@transaction.atomic
def holiday_remove(*, holiday: Holiday, actor: AbstractBaseUser | None) -> None:
    """Remove a holiday (history keeps it) and recompute the running clocks it moves."""
    day = holiday.date
    holiday.delete()
    clocks_recompute_for_calendar(changed_dates=[day], actor=actor)


# The sweep and the digest live in their own module; callers may import them from here.
from timelines.sweep import digest_send, sweep  # noqa: E402

__all__ = [
    "clock_deadline",
    "clocks_cancel",
    "clocks_recompute_for_calendar",
    "clocks_recompute_for_case",
    "clocks_recompute_rules",
    "clocks_start",
    "clocks_stop",
    "digest_send",
    "extension_decline",
    "extension_grant",
    "holiday_add",
    "holiday_change",
    "holiday_remove",
    "sweep",
]
