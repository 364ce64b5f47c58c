"""Intake records the case's origin and the plan's own clock follows it (R-DL-14): the
clocks page shows that clock's rules-table row and citation (R-DL-16)."""

from datetime import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from cases.models import Case
from cases.services import case_update
from tests.support.cases import details, open_case
from tests.support.personas import client_for
from timelines.models import Clock, ClockStatus

LA = ZoneInfo("America/Los_Angeles")
RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=LA)
pytestmark = pytest.mark.django_db


def live_names(case) -> set[str]:
    return set(
        Clock.objects.filter(case=case)
        .exclude(status=ClockStatus.CANCELLED)
        .values_list("name", flat=True)
    )


def test_a_request_not_under_vi_b_3_is_a_pre_service_request_with_the_14_day_clock(coordinator):
    case = open_case(coordinator, circumstances=[2], received_at_plan=RECEIVED)
    assert case.origin == "pre_service"
    clock = case.clocks.get(name="authorization_decision")
    assert clock.due_at == datetime(2026, 6, 15, 23, 59, 59, tzinfo=LA)
    assert "appeal_resolution" not in live_names(case)


def test_a_case_referred_under_vi_b_3_is_an_appeal_with_the_30_day_clock(coordinator):
    case = open_case(coordinator, circumstances=[3, 5], received_at_plan=RECEIVED)
    assert case.origin == "appeal"
    clock = case.clocks.get(name="appeal_resolution")
    assert clock.due_at == datetime(2026, 7, 1, 23, 59, 59, tzinfo=LA)
    assert clock.rule_kind == "calendar_days"
    assert "authorization_decision" not in live_names(case)


def test_a_retrospective_review_is_a_retrospective_request_with_the_federal_warning(coordinator):
    case = open_case(
        coordinator, review_type="retrospective", circumstances=[3], received_at_plan=RECEIVED
    )
    assert case.origin == "retrospective"
    assert {"appeal_decision", "appeal_decision_federal"} <= live_names(case)
    assert case.clocks.get(name="appeal_decision_federal").on_pass == "warning"


def test_an_edit_that_makes_the_case_an_appeal_swaps_the_plan_clock(coordinator):
    case = open_case(coordinator, circumstances=[2], received_at_plan=RECEIVED)
    case_update(
        case_id=case.pk,
        expected_version=case.version,
        details=details(circumstances=[3], received_at_plan=RECEIVED),
        actor=coordinator,
    )
    case.refresh_from_db()
    assert case.origin == "appeal"
    assert case.clocks.get(name="authorization_decision").status == ClockStatus.CANCELLED
    assert "appeal_resolution" in live_names(case)


def test_the_clocks_page_shows_the_row_and_citation_of_the_plan_clock(coordinator):
    case = open_case(coordinator, circumstances=[2], received_at_plan=RECEIVED)
    url = reverse("timelines:case_clocks", kwargs={"case_id": case.pk})
    with time_machine.travel(datetime(2026, 6, 3, 9, 0, tzinfo=LA), tick=False):
        html = client_for(coordinator).get(url).content.decode()
    assert "Authorization decision (plan time frame)" in html
    assert "authorization_decision/standard/pre_service/2018-06-13" in html
    assert "in force for receipts at the plan from 2018-06-13, open-ended" in html
    assert "42 CFR 438.210(d)(1)" in html
    assert "12 calendar days left" in html


def test_the_migration_gives_existing_cases_the_origin_intake_would(coordinator):
    appeal = open_case(coordinator, circumstances=[3], received_at_plan=RECEIVED)
    retro = open_case(coordinator, review_type="retrospective", received_at_plan=RECEIVED)
    other = open_case(coordinator, circumstances=[2], received_at_plan=RECEIVED)
    Case.objects.update(origin="pre_service")  # as the column's default left them

    import_module("cases.migrations.0040_case_origin").backfill(apps, None)

    origins = dict(Case.objects.values_list("pk", "origin"))
    assert origins == {appeal.pk: "appeal", retro.pk: "retrospective", other.pk: "pre_service"}


def test_the_migration_names_the_row_of_clocks_made_before_rows_had_keys(coordinator):
    case = open_case(coordinator, circumstances=[2], received_at_plan=RECEIVED)
    Clock.objects.filter(case=case).update(rule_key="")

    import_module("timelines.migrations.0010_clock_rule_key").backfill(apps, None)

    keys = dict(Clock.objects.filter(case=case).values_list("name", "rule_key"))
    assert keys["response_needed"] == "response_needed/standard/any/2018-06-13"
    # The plan clock is new with this table: no clock had it before the migration.
    assert keys["authorization_decision"] == ""
