"""The sweep's rows for a constructed set of due clocks, exactly (issue 20).

The sweep was rewritten for speed (set-based reads, COPY, cached thresholds and texts);
this pins what it writes, row by row, as the per-clock version wrote it: every alert,
clock event, notification and next alert time, the counts, and nothing more on a re-run.
The expected rows below were recorded from the sweep before the rewrite.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from imr.roles import Role
from notifications.models import Notification
from tests.support.personas import make_user
from tests.timelines.conftest import local, make_case
from timelines.models import Clock, ClockAlert, ClockEvent
from timelines.services import clocks_start, clocks_stop, sweep

pytestmark = pytest.mark.usefixtures("celery_eager")

RECEIPT = local(2026, 3, 2, 9, 0)
WARNED_AT = local(2026, 3, 9, 8, 0)  # the standard clocks' last business day
NOW = local(2026, 3, 10, 8, 0)  # standard due passed; retrospective target passed


def _constructed_clocks(capture):
    """Clocks of every kind, due at NOW in every way a sweep can meet them."""
    ann = make_user("ann", Role.UM_STAFF)
    bob = make_user("bob", Role.UM_STAFF)
    make_user("cmo1", Role.CMO)
    make_user("cmo2", Role.CMO)
    cases = {}
    # Standard: last-day warning sent by an earlier sweep, breach now.
    cases["warned"] = make_case(owner=ann, received_at=RECEIPT)
    clocks_start(case=cases["warned"], trigger="imro_receipt", at=RECEIPT)
    # Retrospective: the target (a warning) passed, the limit not yet; its last day is past.
    cases["retro"] = make_case(owner=ann, review_type="retrospective", received_at=RECEIPT)
    clocks_start(case=cases["retro"], trigger="imro_receipt", at=RECEIPT)
    # Expedited hour clocks: 6 h passed, 2 h and the breach not yet.
    hours = NOW + timedelta(hours=4) - timedelta(hours=24)
    cases["six_hours"] = make_case(owner=bob, review_type="expedited", received_at=hours)
    clocks_start(case=cases["six_hours"], trigger="imro_receipt", at=hours)
    # Expedited, long past due: every hour level at once.
    past = NOW - timedelta(hours=30)
    cases["expedited"] = make_case(owner=ann, review_type="expedited", received_at=past)
    clocks_start(case=cases["expedited"], trigger="imro_receipt", at=past)
    # Stopped before the sweep: nothing.
    cases["stopped"] = make_case(owner=ann, received_at=RECEIPT)
    clocks_start(case=cases["stopped"], trigger="imro_receipt", at=RECEIPT)
    clocks_stop(case=cases["stopped"], trigger="determination_received", at=WARNED_AT)
    # The first warnings, from the sweep on the last day.
    with capture(execute=True):
        sweep(now=WARNED_AT)
    # Standard, started after that sweep (as if it had missed the last day): the warning is
    # recorded but only the breach sent.
    cases["missed"] = make_case(owner=bob, received_at=RECEIPT)
    clocks_start(case=cases["missed"], trigger="imro_receipt", at=RECEIPT)
    return cases


def _rows(cases):
    """Every row the sweeps wrote, with case ids replaced by the case's label."""
    label = {case.pk: name for name, case in cases.items()}

    def text(value: str) -> str:
        return re.sub(r"(Case |/cases/)(\d+)", lambda m: m.group(1) + label[int(m.group(2))], value)

    alerts = sorted(
        (label[a.clock.case_id], a.clock.name, a.level, a.severity, a.notified, _iso(a.created_at))
        for a in ClockAlert.objects.select_related("clock")
    )
    events = sorted(
        (
            label[e.clock.case_id],
            e.clock.name,
            e.kind,
            _iso(e.at),
            e.actor_id,
            sorted(e.data.items()),
        )
        for e in ClockEvent.objects.select_related("clock").filter(kind__in=["warned", "breached"])
    )
    notifications = sorted(
        (
            n.recipient.username,
            label[n.case_id],
            n.kind,
            text(n.text),
            text(n.link),
            n.dedupe_key,
            n.emailed_at is not None,
            n.read_at,
        )
        for n in Notification.objects.select_related("recipient")
    )
    clocks = sorted(
        (label[c.case_id], c.name, c.status, _iso(c.next_alert_at)) for c in Clock.objects.all()
    )
    return alerts, events, notifications, clocks


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _counts(result):
    return (result.examined, result.warned, result.breached, result.skipped, result.notifications)


@pytest.mark.django_db
def test_the_sweep_writes_the_same_rows_as_before(django_capture_on_commit_callbacks):
    cases = _constructed_clocks(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=NOW, batch_size=3)
    alerts, events, notifications, clocks = _rows(cases)
    assert _counts(result) == EXPECTED_COUNTS
    assert alerts == EXPECTED_ALERTS
    assert events == EXPECTED_EVENTS
    assert notifications == EXPECTED_NOTIFICATIONS
    assert clocks == EXPECTED_CLOCKS
    assert len(mail.outbox) == len(notifications)

    with django_capture_on_commit_callbacks(execute=True):
        again = sweep(now=NOW, batch_size=3)
    assert _counts(again) == (0, 0, 0, 0, 0)
    assert _rows(cases) == (alerts, events, notifications, clocks)
    assert len(mail.outbox) == len(notifications)


# Recorded from the per-clock sweep (main before issue 20's rewrite), then checked by hand.
EXPECTED_COUNTS = (5, 2, 3, 0, 11)
EXPECTED_ALERTS = [
    ("expedited", "imro_determination", "2h_left", "warning", False, "2026-03-10T15:00:00+00:00"),
    ("expedited", "imro_determination", "6h_left", "warning", False, "2026-03-10T15:00:00+00:00"),
    ("expedited", "imro_determination", "due_passed", "breach", True, "2026-03-10T15:00:00+00:00"),
    ("missed", "imro_determination", "due_passed", "breach", True, "2026-03-10T15:00:00+00:00"),
    ("missed", "imro_determination", "last_day", "warning", False, "2026-03-10T15:00:00+00:00"),
    (
        "retro",
        "imro_determination_target",
        "due_passed",
        "warning",
        True,
        "2026-03-10T15:00:00+00:00",
    ),
    (
        "retro",
        "imro_determination_target",
        "last_day",
        "warning",
        True,
        "2026-03-09T15:00:00+00:00",
    ),
    ("six_hours", "imro_determination", "6h_left", "warning", True, "2026-03-10T15:00:00+00:00"),
    ("warned", "imro_determination", "due_passed", "breach", True, "2026-03-10T15:00:00+00:00"),
    ("warned", "imro_determination", "last_day", "warning", True, "2026-03-09T15:00:00+00:00"),
]
EXPECTED_EVENTS = [
    (
        "expedited",
        "imro_determination",
        "breached",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T09:00:00+00:00"), ("level", "due_passed"), ("notified", True)],
    ),
    (
        "expedited",
        "imro_determination",
        "warned",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T09:00:00+00:00"), ("level", "2h_left"), ("notified", False)],
    ),
    (
        "expedited",
        "imro_determination",
        "warned",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T09:00:00+00:00"), ("level", "6h_left"), ("notified", False)],
    ),
    (
        "missed",
        "imro_determination",
        "breached",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T06:59:59+00:00"), ("level", "due_passed"), ("notified", True)],
    ),
    (
        "missed",
        "imro_determination",
        "warned",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T06:59:59+00:00"), ("level", "last_day"), ("notified", False)],
    ),
    (
        "retro",
        "imro_determination_target",
        "warned",
        "2026-03-09T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T06:59:59+00:00"), ("level", "last_day"), ("notified", True)],
    ),
    (
        "retro",
        "imro_determination_target",
        "warned",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T06:59:59+00:00"), ("level", "due_passed"), ("notified", True)],
    ),
    (
        "six_hours",
        "imro_determination",
        "warned",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T19:00:00+00:00"), ("level", "6h_left"), ("notified", True)],
    ),
    (
        "warned",
        "imro_determination",
        "breached",
        "2026-03-10T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T06:59:59+00:00"), ("level", "due_passed"), ("notified", True)],
    ),
    (
        "warned",
        "imro_determination",
        "warned",
        "2026-03-09T15:00:00+00:00",
        None,
        [("due_at", "2026-03-10T06:59:59+00:00"), ("level", "last_day"), ("notified", True)],
    ),
]
EXPECTED_NOTIFICATIONS = [
    (
        "ann",
        "expedited",
        "clock_breach",
        "Case expedited: IMRO determination (expedited) breached; it was due Tue Mar 10 02:00 PDT.",
        "/cases/expedited/",
        "",
        True,
        None,
    ),
    (
        "ann",
        "retro",
        "clock_warning",
        "Case retro: IMRO determination, target (retrospective) is due today, "
        "by Mon Mar 09 23:59 PDT.",
        "/cases/retro/",
        "",
        True,
        None,
    ),
    (
        "ann",
        "retro",
        "clock_warning",
        "Case retro: IMRO determination, target (retrospective) overdue (warning); "
        "it was due Mon Mar 09 23:59 PDT.",
        "/cases/retro/",
        "",
        True,
        None,
    ),
    (
        "ann",
        "warned",
        "clock_breach",
        "Case warned: IMRO determination breached; it was due Mon Mar 09 23:59 PDT.",
        "/cases/warned/",
        "",
        True,
        None,
    ),
    (
        "ann",
        "warned",
        "clock_warning",
        "Case warned: IMRO determination is due today, by Mon Mar 09 23:59 PDT.",
        "/cases/warned/",
        "",
        True,
        None,
    ),
    (
        "bob",
        "missed",
        "clock_breach",
        "Case missed: IMRO determination breached; it was due Mon Mar 09 23:59 PDT.",
        "/cases/missed/",
        "",
        True,
        None,
    ),
    (
        "bob",
        "six_hours",
        "clock_warning",
        "Case six_hours: IMRO determination (expedited) due in 6 hours, at Tue Mar 10 12:00 PDT.",
        "/cases/six_hours/",
        "",
        True,
        None,
    ),
    (
        "cmo1",
        "expedited",
        "clock_breach",
        "Case expedited: IMRO determination (expedited) breached; it was due Tue Mar 10 02:00 PDT.",
        "/cases/expedited/",
        "",
        True,
        None,
    ),
    (
        "cmo1",
        "missed",
        "clock_breach",
        "Case missed: IMRO determination breached; it was due Mon Mar 09 23:59 PDT.",
        "/cases/missed/",
        "",
        True,
        None,
    ),
    (
        "cmo1",
        "warned",
        "clock_breach",
        "Case warned: IMRO determination breached; it was due Mon Mar 09 23:59 PDT.",
        "/cases/warned/",
        "",
        True,
        None,
    ),
    (
        "cmo2",
        "expedited",
        "clock_breach",
        "Case expedited: IMRO determination (expedited) breached; it was due Tue Mar 10 02:00 PDT.",
        "/cases/expedited/",
        "",
        True,
        None,
    ),
    (
        "cmo2",
        "missed",
        "clock_breach",
        "Case missed: IMRO determination breached; it was due Mon Mar 09 23:59 PDT.",
        "/cases/missed/",
        "",
        True,
        None,
    ),
    (
        "cmo2",
        "warned",
        "clock_breach",
        "Case warned: IMRO determination breached; it was due Mon Mar 09 23:59 PDT.",
        "/cases/warned/",
        "",
        True,
        None,
    ),
]
EXPECTED_CLOCKS = [
    ("expedited", "appeal_resolution", "running", "2026-03-12T03:00:00+00:00"),
    ("expedited", "imro_determination", "running", None),
    ("missed", "authorization_decision", "running", "2026-03-16T07:00:00+00:00"),
    ("missed", "imro_determination", "running", None),
    ("retro", "appeal_decision", "running", "2026-04-13T07:00:00+00:00"),
    ("retro", "appeal_decision_federal", "running", "2026-04-01T07:00:00+00:00"),
    ("retro", "imro_determination_limit", "running", "2026-03-11T07:00:00+00:00"),
    ("retro", "imro_determination_target", "running", None),
    ("six_hours", "appeal_resolution", "running", "2026-03-12T13:00:00+00:00"),
    ("six_hours", "imro_determination", "running", "2026-03-10T17:00:00+00:00"),
    ("stopped", "authorization_decision", "running", "2026-03-16T07:00:00+00:00"),
    ("stopped", "imro_determination", "met", None),
    ("warned", "authorization_decision", "running", "2026-03-16T07:00:00+00:00"),
    ("warned", "imro_determination", "running", None),
]


@pytest.mark.django_db
def test_the_portable_statements_write_the_same_rows(
    django_capture_on_commit_callbacks, monkeypatch
):
    """The plain-SQL path (the embedded SQLite of a development machine), run here on
    PostgreSQL by hiding the vendor: the same rows as the COPY and staging path."""
    cases = _constructed_clocks(django_capture_on_commit_callbacks)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=NOW, batch_size=3)
    monkeypatch.undo()
    assert _counts(result) == EXPECTED_COUNTS
    assert _rows(cases) == (
        EXPECTED_ALERTS,
        EXPECTED_EVENTS,
        EXPECTED_NOTIFICATIONS,
        EXPECTED_CLOCKS,
    )
