"""Effective-dated rules (R-DL-16): a case uses the rows in force at its receipt at the
plan; a change of the table moves running clocks only through recompute_clocks, with a
reason, in the case history."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cases.models import CaseEvent
from cases.services import received_at_plan_change
from imr.errors import Refused
from tests.support.cases import open_case
from timelines import rules
from timelines.models import Clock, ClockEvent
from timelines.rules import Rule, RuleKind
from timelines.services import clocks_recompute_for_case, clocks_recompute_rules

LA = ZoneInfo("America/Los_Angeles")


def shorten_pre_service_clock(monkeypatch, *, effective_from: date) -> rules.ClockRule:
    """A policy change: the pre-service plan clock becomes 7 calendar days from a date.

    The old row is closed the day before, the new one added; nothing else changes.
    """
    old = next(row for row in rules.RULES if row.name == "authorization_decision")
    closed = replace(old, effective_to=effective_from - timedelta(days=1))
    new = replace(
        old,
        rule=Rule(RuleKind.CALENDAR_DAYS, 7),
        effective_from=effective_from,
        citation="Test policy change: 7 calendar days.",
    )
    table = (*(closed if row is old else row for row in rules.RULES), new)
    monkeypatch.setattr(rules, "RULES", table)
    return new


def plan_clock(case) -> Clock:
    return Clock.objects.get(case=case, name="authorization_decision")


@pytest.mark.django_db
def test_a_case_received_before_a_change_uses_the_old_row_and_after_it_the_new(
    coordinator, monkeypatch
):
    new = shorten_pre_service_clock(monkeypatch, effective_from=date(2026, 7, 1))
    before = open_case(coordinator, received_at_plan=datetime(2026, 6, 30, 23, 0, tzinfo=LA))
    after = open_case(coordinator, received_at_plan=datetime(2026, 7, 1, 8, 0, tzinfo=LA))

    old_clock, new_clock = plan_clock(before), plan_clock(after)
    assert old_clock.due_at == datetime(2026, 7, 14, 23, 59, 59, tzinfo=LA)
    assert old_clock.rule_key == "authorization_decision/standard/pre_service/2018-06-13"
    assert old_clock.explanation["rule_row"]["effective_to"] == "2026-06-30"
    assert new_clock.due_at == datetime(2026, 7, 8, 23, 59, 59, tzinfo=LA)
    assert new_clock.rule_key == new.key
    assert new_clock.explanation["rule_row"]["effective_from"] == "2026-07-01"
    assert new_clock.explanation["citation"] == "Test policy change: 7 calendar days."


@pytest.mark.django_db
def test_a_change_does_not_move_a_running_clock_by_itself(coordinator, monkeypatch):
    case = open_case(coordinator, received_at_plan=datetime(2026, 6, 1, 9, 0, tzinfo=LA))
    due = plan_clock(case).due_at
    # A correction effective before the case's receipt: the case's row is now the new one.
    shorten_pre_service_clock(monkeypatch, effective_from=date(2026, 5, 1))

    clocks_recompute_for_case(case=case, actor=coordinator)  # e.g. an edit of the case

    assert plan_clock(case).due_at == due
    assert plan_clock(case).rule_key.endswith("/2018-06-13")


@pytest.mark.django_db
def test_recompute_without_a_reason_is_refused_and_changes_nothing(coordinator, monkeypatch):
    case = open_case(coordinator, received_at_plan=datetime(2026, 6, 1, 9, 0, tzinfo=LA))
    due = plan_clock(case).due_at
    shorten_pre_service_clock(monkeypatch, effective_from=date(2026, 5, 1))
    events = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(CommandError, match="--reason"):
        call_command("recompute_clocks", "--case", str(case.pk), stdout=StringIO())
    with pytest.raises(Refused):
        clocks_recompute_rules(case=case, reason="  ", actor=coordinator)

    assert plan_clock(case).due_at == due
    assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.django_db
def test_recompute_with_a_reason_applies_the_new_row_and_names_both_due_times(
    coordinator, monkeypatch
):
    case = open_case(coordinator, received_at_plan=datetime(2026, 6, 1, 9, 0, tzinfo=LA))
    untouched = open_case(coordinator, received_at_plan=datetime(2026, 4, 1, 9, 0, tzinfo=LA))
    new = shorten_pre_service_clock(monkeypatch, effective_from=date(2026, 5, 1))
    out = StringIO()

    call_command(
        "recompute_clocks", "--all-running", "--reason", "Policy revision 2026-05", stdout=out
    )

    clock = plan_clock(case)
    assert clock.due_at == datetime(2026, 6, 8, 23, 59, 59, tzinfo=LA)
    assert clock.rule_key == new.key
    event = CaseEvent.objects.get(case=case, kind="clocks_recomputed")
    # The history shows the one date format (issue 19); the data keeps the ISO times.
    assert "Mon 2026-06-15 23:59 PDT" in event.summary
    assert "Mon 2026-06-08 23:59 PDT" in event.summary
    assert event.data["reason"] == "Policy revision 2026-05"
    assert event.data["changes"] == [
        {
            "clock": "authorization_decision",
            "old_due_at": "2026-06-15T23:59:59-07:00",
            "new_due_at": "2026-06-08T23:59:59-07:00",
            "old_rule": "authorization_decision/standard/pre_service/2018-06-13",
            "new_rule": new.key,
        }
    ]
    recomputed = ClockEvent.objects.get(clock=clock, kind=ClockEvent.Kind.RECOMPUTED)
    assert recomputed.data["old_rule"].endswith("/2018-06-13")
    # Received before the new row's start: its row and due time stay, and no event is written.
    assert plan_clock(untouched).rule_key.endswith("/2018-06-13")
    assert not CaseEvent.objects.filter(case=untouched, kind="clocks_recomputed").exists()
    assert "1 case(s) changed." in out.getvalue()


@pytest.mark.django_db
def test_a_corrected_receipt_at_the_plan_takes_the_rows_in_force_at_the_new_receipt(
    coordinator, cmo, monkeypatch
):
    new = shorten_pre_service_clock(monkeypatch, effective_from=date(2026, 7, 1))
    case = open_case(coordinator, received_at_plan=datetime(2026, 6, 30, 9, 0, tzinfo=LA))
    assert plan_clock(case).rule_key.endswith("/2018-06-13")

    received_at_plan_change(
        case=case,
        new_value=datetime(2026, 7, 2, 9, 0, tzinfo=LA),
        actor=cmo,
        reason="The fax log shows receipt on 07-02.",
    )

    clock = plan_clock(case)
    assert clock.rule_key == new.key
    assert clock.due_at == datetime(2026, 7, 9, 23, 59, 59, tzinfo=LA)
