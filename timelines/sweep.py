"""Sweeps: warn before a breach, escalate at a breach, once per clock and level (R-DL-11).

A sweep selects clocks by state, not by the time of the last run: every running clock
whose next warning or breach time has passed (`next_alert_at <= now`). A missed run is
therefore caught by the next one. Alerts are inserted with ON CONFLICT DO NOTHING
RETURNING against the (clock, level) unique constraint, so when two sweeps run at once
only the one whose insert wins sends the notification; the other skips.
"""

import gc
import json
import logging
import time as monotonic_time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from imr.bulk import AnyOf, column_set, rows_copy, rows_insert, rows_stage, values_rows
from notifications.services import (
    NotificationDraft,
    notifications_send_bulk,
    notifications_send_many,
    users_with_capability,
)
from timelines.calendar import business_calendar, calendar_coverage, plan_zone
from timelines.models import AlertLevel, Clock, ClockAlert, ClockEvent, ClockStatus, SweepRun
from timelines.rules import ClockRule, OnPass, RuleKind, rule_for_clock
from timelines.thresholds import Threshold, rule_thresholds

# Clocks per transaction. Each batch costs a few statements and staging tables whatever
# its size; 5,000 took about 12 % less CPU than 2,000 for 20,000 due clocks (10,000 no
# less again) and holds those clocks' rows for well under a second.
BATCH_SIZE = 5000
logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    scope: str
    as_of: str
    examined: int = 0
    warned: int = 0
    breached: int = 0
    skipped: int = 0
    notifications: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def case_path(case_id: int) -> str:
    """The case page, where a warning or breach notification leads."""
    return reverse("cases:detail", kwargs={"pk": case_id})


def sweep(
    *, now: datetime | None = None, scope: str = SweepRun.Scope.ALL, batch_size: int = BATCH_SIZE
) -> SweepResult:
    """Record and notify every warning and breach whose time has passed (R-DL-11).

    scope "hours" looks only at elapsed-hour clocks (the 5-minute run); "all" at every
    clock (the nightly run). Each batch is one transaction. Warnings go to the case
    owner; breaches to the owner and every CMO / Physician Designee. When a sweep finds a
    clock past several levels at once (a missed run), all are recorded but only the most
    severe is sent. Idempotent and safe to run concurrently. Records a SweepRun.
    """
    started_at = timezone.now()
    clock_start = monotonic_time.monotonic()
    now = now or started_at
    result = SweepResult(scope=str(scope), as_of=now.isoformat())
    cmo_ids = set(users_with_capability("imr.decide_cases").values_list("pk", flat=True))
    due = Clock.objects.alert_due(now)
    if scope == SweepRun.Scope.HOURS:
        due = due.hour_clocks()
    # The due clocks' ids in one read of the partial index on running clocks; each batch
    # then reads its rows by primary key. (A keyset scan per batch re-read the due range
    # of the index every time.) A clock stopped since is dropped by the batch's re-check.
    due_ids = list(due.order_by("pk").values_list("pk", flat=True))
    texts = _AlertTexts(zone=plan_zone())
    with _no_cyclic_gc():
        _sweep_batches(
            due_ids,
            now=now,
            hours_only=scope == SweepRun.Scope.HOURS,
            batch_size=batch_size,
            cmo_ids=cmo_ids,
            result=result,
            texts=texts,
        )
    result.seconds = round(monotonic_time.monotonic() - clock_start, 3)
    SweepRun.objects.create(
        scope=scope,
        as_of=now,
        started_at=started_at,
        finished_at=timezone.now(),
        examined=result.examined,
        warned=result.warned,
        breached=result.breached,
        skipped=result.skipped,
    )
    return result


def _sweep_batches(
    due_ids: list[int],
    *,
    now: datetime,
    hours_only: bool,
    batch_size: int,
    cmo_ids: set[int],
    result: SweepResult,
    texts: "_AlertTexts",
) -> None:
    """Each batch of due clocks in its own transaction: re-read (a clock stopped since
    the ids were read drops out), then swept."""
    for start in range(0, len(due_ids), batch_size):
        ids = due_ids[start : start + batch_size]
        with transaction.atomic():
            # Thousands of ids per read: one array parameter bound on the server (AnyOf,
            # values_rows), not a placeholder per id quoted in Python. Read by primary key
            # alone and re-checked here as Clock.objects.alert_due() selects (running, next
            # alert passed; hour clocks for the hour sweep): with that filter in SQL,
            # PostgreSQL walked every due clock in the pending-alert index for each batch
            # (50 ms at 200,000 cases) instead of 2,000 primary-key lookups (2 ms).
            batch = [
                dict(zip(_BATCH_FIELDS, row[:-2], strict=True))
                for row in values_rows(
                    Clock.objects.filter(AnyOf(F("pk"), ids))
                    .order_by("pk")
                    .values_list(*_BATCH_FIELDS, "status", "next_alert_at")
                )
                if row[-2] == ClockStatus.RUNNING
                and row[-1] is not None
                and row[-1] <= now
                and (not hours_only or row[4] == RuleKind.ELAPSED_HOURS)
            ]
            if not batch:
                continue
            # Owners by primary key: joined in the query above, PostgreSQL hashed all
            # cases, closed ones included, for every batch.
            owners = dict(
                values_rows(
                    Case.objects.filter(
                        AnyOf(F("pk"), sorted({row["case_id"] for row in batch}))
                    ).values_list("pk", "owner_id")
                )
            )
            for row in batch:
                row["case__owner_id"] = owners[row["case_id"]]
            _sweep_batch(batch, now=now, cmo_ids=cmo_ids, result=result, texts=texts)


@contextmanager
def _no_cyclic_gc():
    """Python's cycle collector off while batches run, as it was before if it was on.

    A batch allocates hundreds of thousands of short-lived tuples and strings and no
    reference cycles; refcounting frees them all. With the collector on, those
    allocations trigger collections that scan the worker's whole heap: about a third of
    the sweep's Python time for 20,000 due clocks.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The batch re-check reads rule_kind by position (row[4]).
_BATCH_FIELDS = ("pk", "case_id", "name", "review_type", "rule_kind", "rule_key", "due_at")


class _AlertTexts:
    """Rule rows, thresholds and notification texts for one sweep, each computed once.

    Thousands of clocks share a handful of rule rows and, in a mass breach, often their
    due times: the per-clock work is then a dictionary lookup. Pure functions of their
    keys (rule_for_clock, rule_thresholds, _alert_reason), so the rows a
    sweep writes are the same as computing each clock afresh.
    """

    def __init__(self, *, zone) -> None:
        self.zone = zone
        self._rules: dict[tuple[str, str, str], ClockRule] = {}
        self._thresholds: dict[tuple, list[Threshold]] = {}
        self._texts: dict[tuple, str] = {}
        sample = case_path(987654321)  # reverse() once, then substitute the id
        self._link_head, self._link_tail = sample.split("987654321")

    def rule(self, row: dict) -> ClockRule:
        key = (row["rule_key"], row["name"], row["review_type"])
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = rule_for_clock(
                rule_key=row["rule_key"], name=row["name"], review_type=row["review_type"]
            )
        return found

    def thresholds(self, row: dict) -> list[Threshold]:
        key = (row["rule_key"], row["name"], row["review_type"], row["rule_kind"], row["due_at"])
        found = self._thresholds.get(key)
        if found is None:
            found = self._thresholds[key] = rule_thresholds(
                row=self.rule(row), rule_kind=row["rule_kind"], due_at=row["due_at"], zone=self.zone
            )
        return found

    def text(self, row: dict, *, level: str, severity: str) -> str:
        key = (row["rule_key"], row["name"], row["review_type"], row["rule_kind"], row["due_at"])
        key += (level, severity)
        reason = self._texts.get(key)
        if reason is None:
            reason = self._texts[key] = _alert_reason(
                row, label=self.rule(row).label, level=level, severity=severity, zone=self.zone
            )
        return f"Case {row['case_id']}: {reason}"

    def link(self, case_id: int) -> str:
        return f"{self._link_head}{case_id}{self._link_tail}"


def _sweep_batch(
    batch: list[dict],
    *,
    now: datetime,
    cmo_ids: set[int],
    result: SweepResult,
    texts: _AlertTexts,
) -> None:
    candidates: list[tuple[int, str, str, bool]] = []
    future: dict[int, list[Threshold]] = {}
    by_id = {row["pk"]: row for row in batch}
    for row in batch:
        thresholds = texts.thresholds(row)
        # Sorted by time (warnings first, then the due time): those passed, then the rest.
        split = next((i for i, t in enumerate(thresholds) if t.at > now), len(thresholds))
        if split < len(thresholds):
            future[row["pk"]] = thresholds[split:]
        if split:
            top = thresholds[split - 1].level
            # A level already recorded is skipped by the insert's ON CONFLICT.
            candidates += [
                (row["pk"], t.level, t.severity, t.level == top) for t in thresholds[:split]
            ]
    # A future level may already be recorded (the due time moved later after it fired):
    # it never fires again, so the next alert is the first future level not recorded.
    # Only clocks with a future level need the read; in a mass breach there are none.
    recorded = set(
        values_rows(
            ClockAlert.objects.filter(AnyOf(F("clock_id"), sorted(future))).values_list(
                "clock_id", "level"
            )
        )
        if future
        else ()
    )
    next_at: dict[int, datetime | None] = {row["pk"]: None for row in batch}
    for clock_id, thresholds in future.items():
        next_at[clock_id] = next(
            (t.at for t in thresholds if (clock_id, t.level) not in recorded), None
        )
    notified_alerts = _alerts_record(candidates, by_id=by_id, now=now)
    result.examined += len(batch)
    result.skipped += len(batch) - len({clock_id for clock_id, _, _ in notified_alerts})
    drafts = []
    for clock_id, level, severity in notified_alerts:
        row = by_id[clock_id]
        if severity == OnPass.BREACH:
            result.breached += 1
            recipients = {row["case__owner_id"], *cmo_ids}
        else:
            result.warned += 1
            recipients = {row["case__owner_id"]}
        text = texts.text(row, level=level, severity=severity)
        link = texts.link(row["case_id"])
        drafts += [
            NotificationDraft(
                recipient_id=user_id,
                kind=f"clock_{severity}",
                text=text,
                link=link,
                case_id=row["case_id"],
            )
            for user_id in sorted(recipients)
        ]
    result.notifications += len(notifications_send_bulk(drafts=drafts))
    column_set(
        table=Clock._meta.db_table, column="next_alert_at", kind="timestamptz", values=next_at
    )


def _alerts_record(
    candidates: list[tuple[int, str, str, bool]], *, by_id: dict[int, dict], now: datetime
) -> list[tuple[int, str, str]]:
    """Insert the alerts, skipping those recorded before or by another sweep, with one
    clock event each (history: warned or breached, its level, whether it was sent, the
    due time); return (clock, level, severity) of the inserted alerts to be notified.

    On PostgreSQL one statement: the alerts' INSERT … ON CONFLICT DO NOTHING RETURNING
    feeds the events' INSERT, so neither the events nor the alerts that are only recorded
    travel back and forth.
    """
    if not candidates:
        return []
    # One lock order for concurrent sweeps.
    candidates = sorted(candidates)
    alerts, events = ClockAlert._meta.db_table, ClockEvent._meta.db_table
    if connection.vendor == "postgresql":
        stage = rows_stage(
            [
                ("clock_id", "bigint"),
                ("level", "text"),
                ("severity", "text"),
                ("notified", "boolean"),
                ("due_at", "text"),
            ],
            ((*c, by_id[c[0]]["due_at"].isoformat()) for c in candidates),
        )
        sql = f"""
            WITH alert AS (
                INSERT INTO {alerts} (clock_id, level, severity, notified, created_at)
                SELECT s.clock_id, s.level, s.severity, s.notified, %(now)s
                FROM {stage} AS s ORDER BY s.n
                ON CONFLICT (clock_id, level) DO NOTHING
                RETURNING clock_id, level, severity, notified
            ), event AS (
                INSERT INTO {events} (clock_id, kind, at, data)
                SELECT a.clock_id,
                       CASE WHEN a.severity = %(breach)s THEN %(breached)s ELSE %(warned)s END,
                       %(now)s,
                       jsonb_build_object(
                           'level', a.level, 'notified', a.notified, 'due_at', s.due_at
                       )
                FROM alert AS a JOIN {stage} AS s USING (clock_id, level) ORDER BY s.n
            )
            SELECT clock_id, level, severity FROM alert WHERE notified
        """  # noqa: S608 (names from _meta and rows_stage)
        params = {
            "now": now,
            "breach": str(OnPass.BREACH),
            "breached": str(ClockEvent.Kind.BREACHED),
            "warned": str(ClockEvent.Kind.WARNED),
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return sorted(cursor.fetchall())
    inserted = rows_insert(
        table=alerts,
        columns=[
            ("clock_id", "bigint"),
            ("level", "text"),
            ("severity", "text"),
            ("notified", "boolean"),
        ],
        same=[("created_at", "timestamptz", now)],
        rows=candidates,
        on_conflict="ON CONFLICT (clock_id, level) DO NOTHING",
        returning="clock_id, level, severity, notified",
    )
    rows_copy(
        table=events,
        columns=("clock_id", "kind", "at", "data"),
        rows=[
            (
                clock_id,
                str(
                    ClockEvent.Kind.BREACHED
                    if severity == OnPass.BREACH
                    else ClockEvent.Kind.WARNED
                ),
                now,
                json.dumps(
                    {
                        "level": level,
                        "notified": bool(notified),
                        "due_at": by_id[clock_id]["due_at"].isoformat(),
                    }
                ),
            )
            for clock_id, level, severity, notified in inserted
        ],
    )
    return [(c, lv, sv) for c, lv, sv, notified in inserted if notified]


def _alert_reason(row: dict, *, label: str, level: str, severity: str, zone) -> str:
    """A short reason without PHI (after "Case N: "): the clock and its due time."""
    due = row["due_at"].astimezone(zone)
    due_text = f"{due:%a %b %d %H:%M %Z}"
    if level == AlertLevel.DUE_PASSED:
        what = "breached" if severity == OnPass.BREACH else "overdue (warning)"
        return f"{label} {what}; it was due {due_text}."
    if row["rule_kind"] == RuleKind.ELAPSED_HOURS:
        hours = level.removesuffix("h_left")
        return f"{label} due in {hours} hours, at {due_text}."
    return f"{label} is due today, by {due_text}."


def calendar_warning_send(*, now: datetime | None = None) -> int:
    """Tell Administrators when the holiday calendar reaches fewer than 400 days ahead
    (R-DL-17), once per local date, and log it (no PHI: dates only). Returns how many
    notifications were stored."""
    now = now or timezone.now()
    today = now.astimezone(plan_zone()).date()
    warning = calendar_coverage(today=today).warning()
    if warning is None:
        return 0
    logger.warning("holiday calendar: %s", warning)
    drafts = [
        NotificationDraft(
            recipient_id=user_id,
            kind="holiday_calendar",
            text=warning,
            link=reverse("admin:timelines_holiday_changelist"),
            dedupe_key=f"holiday_calendar:{today.isoformat()}",
        )
        for user_id in sorted(users_with_capability("imr.administer").values_list("pk", flat=True))
    ]
    return len(notifications_send_many(drafts=drafts))


def digest_send(*, now: datetime | None = None) -> int:
    """Send each CMO and UM lead the nightly digest of at-risk and overdue clocks (R-DL-11).

    Counts and a link only, no PHI. UM leads are users holding
    "notifications.receive_digest" (granted by an Administrator). At risk means due by the
    end of the next business day. Sent once per recipient per local date; nothing is sent
    when nothing is at risk or overdue. Administrators get the holiday-calendar warning
    when it applies (calendar_warning_send). Returns how many digests were stored.
    """
    now = now or timezone.now()
    calendar_warning_send(now=now)
    calendar = business_calendar()
    today = calendar.local(now).date()
    horizon = calendar.end_of_day(calendar.next_business_day(today))
    running = Clock.objects.running()
    overdue = running.filter(due_at__lt=now)
    at_risk = running.filter(due_at__gte=now, due_at__lte=horizon)
    counts = {
        "overdue": overdue.count(),
        "overdue_cases": overdue.values("case_id").distinct().count(),
        "at_risk": at_risk.count(),
        "at_risk_cases": at_risk.values("case_id").distinct().count(),
    }
    if not counts["overdue"] and not counts["at_risk"]:
        return 0
    text = (
        f"Deadline digest for {today:%a %b %d}: "
        f"{_count(counts['overdue'], 'overdue clock')} on "
        f"{_count(counts['overdue_cases'], 'case')}; "
        f"{_count(counts['at_risk'], 'clock')} on {_count(counts['at_risk_cases'], 'case')} "
        f"due by the end of {horizon:%a %b %d}."
    )
    link = reverse("home") + "?window=overdue"
    recipients = set(users_with_capability("imr.decide_cases").values_list("pk", flat=True))
    recipients |= set(
        users_with_capability("notifications.receive_digest").values_list("pk", flat=True)
    )
    drafts = [
        NotificationDraft(
            recipient_id=user_id,
            kind="deadline_digest",
            text=text,
            link=link,
            dedupe_key=f"digest:{today.isoformat()}",
        )
        for user_id in sorted(recipients)
    ]
    return len(notifications_send_many(drafts=drafts))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
