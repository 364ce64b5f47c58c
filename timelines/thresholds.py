"""When a clock warns and breaches (R-DL-11), from its rule row and due time."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from timelines.deadlines import warning_times
from timelines.models import AlertLevel, Clock
from timelines.rules import ClockRule, OnPass, RuleKind, rule_for_clock


@dataclass(frozen=True)
class Threshold:
    level: str
    at: datetime
    severity: str


def clock_thresholds(
    *,
    name: str,
    review_type: str,
    rule_kind: str,
    due_at: datetime,
    zone: ZoneInfo,
    rule_key: str = "",
) -> list[Threshold]:
    """Warnings first, then the due time itself; severity of passing due per the rule row
    the clock was computed with."""
    row = rule_for_clock(rule_key=rule_key, name=name, review_type=review_type)
    return rule_thresholds(row=row, rule_kind=rule_kind, due_at=due_at, zone=zone)


def rule_thresholds(
    *, row: ClockRule, rule_kind: str, due_at: datetime, zone: ZoneInfo
) -> list[Threshold]:
    """clock_thresholds for a clock whose rule row is already known (the sweep looks each
    row up once, not once per clock)."""
    warnings = warning_times(
        due=due_at,
        kind=RuleKind(rule_kind),
        hours_before=row.warn_hours_before,
        on_last_day=row.warn_on_last_day,
        zone=zone,
    )
    return [
        *(Threshold(level, at, OnPass.WARNING) for level, at in warnings),
        # Passed once the due second is over: an event in it is still met (R-DL-18).
        Threshold(AlertLevel.DUE_PASSED, due_at + timedelta(seconds=1), row.on_pass),
    ]


def next_alert_at(*, clock: Clock, recorded: set[str], zone: ZoneInfo) -> datetime | None:
    """The earliest threshold of the clock not yet recorded as an alert."""
    pending = [
        t.at
        for t in clock_thresholds(
            name=clock.name,
            review_type=clock.review_type,
            rule_kind=clock.rule_kind,
            due_at=clock.due_at,
            zone=zone,
            rule_key=clock.rule_key,
        )
        if t.level not in recorded
    ]
    return min(pending) if pending else None
