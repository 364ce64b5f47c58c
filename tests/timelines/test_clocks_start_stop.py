"""clocks_start / clocks_stop / clocks_recompute_for_case (R-DL-1…4, 6, 7, 10, 12)."""

from datetime import UTC, date, timedelta

import pytest

from tests.timelines.conftest import LA, local, make_case
from timelines.models import Clock, ClockEvent, ClockStatus
from timelines.services import clocks_cancel, clocks_recompute_for_case, clocks_start, clocks_stop


def dues(case) -> dict[str, str]:
    return {
        c.name: c.due_at.astimezone(LA).isoformat()
        for c in Clock.objects.filter(case=case).exclude(status="cancelled")
    }


@pytest.mark.django_db
def test_plan_receipt_starts_the_retrospective_appeal_decision(coordinator):
    case = make_case(
        owner=coordinator, review_type="retrospective", received_at=local(2026, 6, 1, 9)
    )
    # Intake started it (case_create); starting again changes nothing.
    assert clocks_start(case=case, trigger="plan_receipt") == []
    started = list(Clock.objects.filter(case=case, trigger="plan_receipt"))
    assert sorted(c.name for c in started) == ["appeal_decision", "appeal_decision_federal"]
    # Seeded calendar: Juneteenth Fri 06-19 and Independence Day observed Fri 07-03.
    assert dues(case) == {
        "appeal_decision": "2026-07-15T23:59:59-07:00",
        "appeal_decision_federal": "2026-07-01T23:59:59-07:00",  # 30 calendar days
    }
    assert all(ClockEvent.objects.filter(clock=c, kind="started").count() == 1 for c in started)


@pytest.mark.django_db
def test_imro_receipt_starts_target_and_limit_and_stops_file_assembly(coordinator, cmo):
    case = make_case(
        owner=coordinator,
        review_type="retrospective",
        received_at=local(2026, 6, 1, 9),
        referral_approved_at=local(2026, 6, 5, 10),
    )
    clocks_start(case=case, trigger="referral_approval", actor=cmo)
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 6, 10, 14))
    assert dues(case) == {
        "appeal_decision": "2026-07-15T23:59:59-07:00",  # started at intake
        "appeal_decision_federal": "2026-07-01T23:59:59-07:00",
        "file_assembly": "2026-06-10T23:59:59-07:00",
        "imro_determination_target": "2026-06-17T23:59:59-07:00",
        "imro_determination_limit": "2026-06-22T23:59:59-07:00",
    }
    assert Clock.objects.get(case=case, name="file_assembly").status == ClockStatus.MET


@pytest.mark.django_db
def test_expedited_clocks_are_elapsed_hours(coordinator):
    case = make_case(owner=coordinator, review_type="expedited", received_at=local(2026, 3, 7, 10))
    clocks_start(case=case, trigger="plan_receipt")
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 7, 10))
    assert dues(case) == {
        "appeal_resolution": "2026-03-10T11:00:00-07:00",
        "imro_determination": "2026-03-08T11:00:00-07:00",
    }


@pytest.mark.django_db
def test_starting_twice_creates_one_clock(coordinator):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 2, 9))
    again = clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 2, 9))
    assert again == []
    assert Clock.objects.filter(case=case, name="imro_determination").count() == 1


@pytest.mark.django_db
def test_the_response_needed_clock_needs_its_date(coordinator):
    case = make_case(owner=coordinator)
    assert clocks_start(case=case, trigger="response_needed") == []
    case.response_needed_by = date(2026, 3, 20)
    case.save()
    clocks_start(case=case, trigger="response_needed")
    assert dues(case) == {
        "authorization_decision": "2026-03-16T23:59:59-07:00",  # started at intake
        "response_needed": "2026-03-20T23:59:59-07:00",
    }


@pytest.mark.django_db
def test_a_determination_on_time_is_met_and_a_late_one_missed(coordinator):
    on_time, late = make_case(owner=coordinator), make_case(owner=coordinator)
    for case in (on_time, late):
        clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 2, 9))
    clocks_stop(case=on_time, trigger="determination_received", at=local(2026, 3, 9, 23, 59))
    clocks_stop(case=late, trigger="determination_received", at=local(2026, 3, 10, 0, 0))
    assert Clock.objects.get(case=on_time, name="imro_determination").status == ClockStatus.MET
    assert Clock.objects.get(case=late, name="imro_determination").status == ClockStatus.MISSED
    assert Clock.objects.get(case=late, name="imro_determination").next_alert_at is None


@pytest.mark.django_db
def test_appeal_resolved_stops_only_appeal_clocks(coordinator):
    case = make_case(owner=coordinator, review_type="expedited", received_at=local(2026, 3, 7, 10))
    clocks_start(case=case, trigger="plan_receipt")
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 7, 12))
    stopped = clocks_stop(case=case, trigger="appeal_resolved", at=local(2026, 3, 8, 9))
    assert [c.name for c in stopped] == ["appeal_resolution"]
    assert Clock.objects.get(case=case, name="imro_determination").is_running


@pytest.mark.django_db
def test_withdrawal_cancels_running_clocks(coordinator):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 2, 9))
    clocks_cancel(case=case, reason="withdrawn")
    assert set(Clock.objects.filter(case=case).values_list("status", flat=True)) == {
        ClockStatus.CANCELLED
    }


@pytest.mark.django_db
def test_a_changed_plan_receipt_recomputes_and_history_keeps_the_old_due(coordinator):
    case = make_case(owner=coordinator, review_type="expedited", received_at=local(2026, 3, 7, 10))
    clocks_start(case=case, trigger="plan_receipt")
    case.received_at_plan = local(2026, 3, 7, 8)
    case.save()
    changed = clocks_recompute_for_case(case=case)
    clock = Clock.objects.get(case=case, name="appeal_resolution")
    assert [c.pk for c in changed] == [clock.pk]
    assert clock.due_at == local(2026, 3, 7, 8).astimezone(UTC) + timedelta(hours=72)
    old_dues = {h.due_at for h in clock.history.all()}
    assert local(2026, 3, 7, 10).astimezone(UTC) + timedelta(hours=72) in old_dues
    assert ClockEvent.objects.filter(clock=clock, kind="recomputed").count() == 1


@pytest.mark.django_db
def test_a_changed_review_type_cancels_and_starts_clocks(coordinator):
    case = make_case(owner=coordinator, received_at=local(2026, 3, 2, 9))
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 2, 10))
    case.review_type = "expedited"
    case.save()
    clocks_recompute_for_case(case=case)
    assert dues(case) == {
        "imro_determination": "2026-03-03T10:00:00-08:00",
        "appeal_resolution": "2026-03-05T09:00:00-08:00",
    }
    # The standard clocks go: the IMRO one and the plan's pre-service decision clock.
    cancelled = Clock.objects.filter(case=case, status="cancelled").values_list("name", flat=True)
    assert sorted(cancelled) == ["authorization_decision", "imro_determination"]
