"""The rules table (R-DL-13, R-DL-14, R-DL-16): each row's due time through the preview
command, with the row and its citation shown; the table's own consistency."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from timelines.rules import ALL_ORIGINS, ALL_REVIEW_TYPES, RULES, rules_for


def preview(*args: str) -> dict[str, dict]:
    out = StringIO()
    call_command("preview_deadlines", *args, "--json", stdout=out)
    return {clock["name"]: clock for clock in json.loads(out.getvalue())["clocks"]}


def dues(clocks: dict[str, dict]) -> dict[str, str]:
    return {name: clock["due_at"] for name, clock in clocks.items()}


@pytest.mark.django_db
def test_the_spec_standard_example_with_labor_day():
    clocks = preview("--review-type", "standard", "--received-at", "2025-08-29T16:55")
    assert dues(clocks) == {"imro_determination": "2025-09-08T23:59:59-07:00"}


@pytest.mark.django_db
def test_the_spec_expedited_example_across_spring_forward_whatever_the_origin():
    for origin in ("appeal", "pre_service"):
        clocks = preview(
            "--review-type", "expedited", "--received-at", "2026-03-07T10:00", "--origin", origin
        )
        assert dues(clocks) == {
            "imro_determination": "2026-03-08T11:00:00-07:00",
            "appeal_resolution": "2026-03-10T11:00:00-07:00",
        }


@pytest.mark.django_db
def test_the_spec_retrospective_example_and_the_federal_30_calendar_day_warning():
    clocks = preview(
        "--review-type",
        "retrospective",
        "--origin",
        "retrospective",
        "--received-at",
        "2026-06-01T09:00",
        "--imro-received-at",
        "2026-06-10T14:00",
        "--holidays",
        "2026-06-19,2026-07-03",
    )
    assert dues(clocks) == {
        "imro_determination_target": "2026-06-17T23:59:59-07:00",
        "imro_determination_limit": "2026-06-22T23:59:59-07:00",
        "appeal_decision": "2026-07-15T23:59:59-07:00",
        # 30 calendar days after Mon 06-01 (the day of receipt not counted), holidays counted.
        "appeal_decision_federal": "2026-07-01T23:59:59-07:00",
    }
    federal = clocks["appeal_decision_federal"]
    assert federal["on_pass"] == "warning"
    assert clocks["appeal_decision"]["on_pass"] == "breach"
    assert "438.408(b)(2)" in federal["rule"]["citation"]


@pytest.mark.django_db
def test_an_appeal_has_the_plans_30_calendar_day_clock():
    # Received Fri 2026-11-27 (a holiday): calendar day 30 is Sun 2026-12-27; weekends and
    # holidays count, and the clock ends on that Sunday.
    clocks = preview(
        "--review-type", "standard", "--origin", "appeal", "--received-at", "2026-11-27T15:00"
    )
    plan = clocks["appeal_resolution"]
    assert plan["due_at"] == "2026-12-27T23:59:59-08:00"
    assert plan["on_pass"] == "breach"
    assert plan["rule"]["description"] == "30 calendar days"
    assert "42 CFR 438.408(b)(2)" in plan["rule"]["citation"]
    assert "VI.F.9" in plan["citation"]
    assert "authorization_decision" not in clocks


@pytest.mark.django_db
def test_a_pre_service_request_has_the_plans_14_calendar_day_clock():
    clocks = preview(
        "--review-type", "standard", "--origin", "pre_service", "--received-at", "2026-03-02T23:30"
    )
    plan = clocks["authorization_decision"]
    # Mon 03-02 not counted; day 14 is Mon 03-16.
    assert plan["due_at"] == "2026-03-16T23:59:59-07:00"
    assert "42 CFR 438.210(d)" in plan["rule"]["citation"]
    assert "appeal_resolution" not in clocks


@pytest.mark.django_db
def test_each_clock_shows_its_row_in_the_json_and_how_it_was_computed():
    clocks = preview("--review-type", "standard", "--received-at", "2026-03-02T09:00")
    row = clocks["imro_determination"]["rule"]
    assert row == {
        "key": "imro_determination/standard/any/2018-06-13",
        "description": "5 business days",
        "citation": clocks["imro_determination"]["citation"],
        "origins": sorted(ALL_ORIGINS),
        "effective_from": "2018-06-13",
        "effective_to": None,
        "last_reviewed": "2026-12-03",
    }
    lines = clocks["imro_determination"]["explanation"]["lines"]
    assert any(
        "imro_determination/standard/any/2018-06-13" in line and "last reviewed" in line
        for line in lines
    )


def test_every_row_has_a_citation_and_a_unique_key():
    keys = [row.key for row in RULES]
    assert len(keys) == len(set(keys))
    assert all(row.citation.strip() and row.last_reviewed for row in RULES)


def test_no_two_rows_of_a_clock_are_in_force_on_the_same_day():
    for review_type in ALL_REVIEW_TYPES:
        for origin in ALL_ORIGINS:
            rows = rules_for(review_type=review_type, origin=origin)
            for a in rows:
                for b in rows:
                    if a is b or a.name != b.name:
                        continue
                    a_end = a.effective_to or date.max
                    assert a_end < b.effective_from or (b.effective_to or date.max) < (
                        a.effective_from
                    ), (a.key, b.key)


def test_every_case_origin_gets_one_plan_level_clock():
    plan_clocks = {"appeal_resolution", "authorization_decision", "appeal_decision"}
    for review_type, origin in [
        ("standard", "appeal"),
        ("standard", "pre_service"),
        ("expedited", "appeal"),
        ("expedited", "pre_service"),
        ("retrospective", "retrospective"),
    ]:
        names = {
            row.name
            for row in rules_for(review_type=review_type, origin=origin, on=date(2026, 1, 5))
        }
        assert len(names & plan_clocks) == 1, (review_type, origin, names)


def test_the_migration_backfills_keys_that_exist_in_the_table():
    from importlib import import_module

    migration = import_module("timelines.migrations.0010_clock_rule_key")
    keys = {row.key for row in RULES}
    assert set(migration.FIRST_ROWS.values()) <= keys
