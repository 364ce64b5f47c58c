"""assignment_create: never an expired or conflicted reviewer; a reason outside suggestions."""

from datetime import date

import pytest

from cases.models import CaseEvent
from imr.errors import Refused
from reviewers import services
from reviewers.models import Assignment
from tests.reviewers.conftest import NO_CONFLICT, make_case, make_specialist
from tests.support.personas import client_for


@pytest.mark.django_db
def test_an_expired_reviewer_is_never_assigned_even_with_a_reason(coordinator):
    lapsed = make_specialist("Dr. Lapsed", license_expires=date(2026, 3, 1))
    case = make_case(owner=coordinator)

    with pytest.raises(Refused) as refused:
        services.assignment_create(
            case=case, specialist=lapsed, actor=coordinator, outside_suggestion_reason="urgent"
        )

    assert refused.value.problems == [
        f"Dr. Lapsed cannot be assigned: CA license {lapsed.license_number} expired 2026-03-01."
    ]
    assert not Assignment.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_conflicted_reviewer_is_never_assigned(coordinator):
    specialist = make_specialist("Dr. Tied")
    case = make_case(owner=coordinator)
    services.attestation_record(
        case=case,
        specialist=specialist,
        actor=coordinator,
        answers=NO_CONFLICT | {"treating_physician_or_group": True},
    )

    with pytest.raises(Refused) as refused:
        services.assignment_create(
            case=case, specialist=specialist, actor=coordinator, outside_suggestion_reason="x"
        )

    assert "declared a conflict of interest" in refused.value.problems[0]
    assert "treating physician" in refused.value.problems[0]
    assert not Assignment.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_outside_the_suggestions_needs_a_written_reason_which_is_kept(coordinator):
    dermatologist = make_specialist("Dr. Skin", specialty="Dermatology", subspecialty=None)
    case = make_case(owner=coordinator, specialty="Cardiology")

    with pytest.raises(Refused) as refused:
        services.assignment_create(case=case, specialist=dermatologist, actor=coordinator)
    assert "give a written reason" in refused.value.problems[0]

    assignment = services.assignment_create(
        case=case,
        specialist=dermatologist,
        actor=coordinator,
        outside_suggestion_reason="Only reviewer available this week.",
    )
    assert assignment.suggested is False
    assert assignment.outside_suggestion_reason == "Only reviewer available this week."
    assert assignment.history.first().outside_suggestion_reason == (
        "Only reviewer available this week."
    )
    event = CaseEvent.objects.get(case=case, kind="reviewer_assigned")
    assert "Only reviewer available this week." in event.summary


@pytest.mark.django_db
def test_a_new_assignment_ends_the_current_one(coordinator):
    first, second = make_specialist("Dr. First"), make_specialist("Dr. Second")
    case = make_case(owner=coordinator)
    old = services.assignment_create(case=case, specialist=first, actor=coordinator)

    new = services.assignment_create(case=case, specialist=second, actor=coordinator)

    old.refresh_from_db()
    assert old.ended_at is not None
    assert old.ended_reason == "replaced by another reviewer"
    assert list(Assignment.objects.filter(case=case, ended_at=None)) == [new]


@pytest.mark.django_db
def test_the_panel_form_assigns_and_shows_refusals(coordinator):
    suggested = make_specialist("Dr. Suggested")
    lapsed = make_specialist("Dr. Lapsed", license_expires=date(2026, 1, 1))
    case = make_case(owner=coordinator)
    client = client_for(coordinator)
    url = f"/portal/staff/cases/{case.pk}/assign/"

    refused = client.post(url, {"specialist": lapsed.pk, "outside_suggestion_reason": "x"})
    page = client.get(f"/portal/staff/cases/{case.pk}/").content.decode()
    assert refused.status_code == 302
    assert "Dr. Lapsed cannot be assigned" in page
    assert not Assignment.objects.filter(case=case).exists()

    client.post(url, {"specialist": suggested.pk})
    assert Assignment.objects.get(case=case).specialist == suggested


@pytest.mark.django_db
def test_the_api_refuses_an_expired_reviewer(coordinator):
    lapsed = make_specialist("Dr. Lapsed", board_certification_expires=date(2026, 1, 1))
    case = make_case(owner=coordinator)

    response = client_for(coordinator).post(
        f"/api/v1/cases/{case.pk}/assignment/",
        {"specialist": lapsed.pk, "outside_suggestion_reason": "x"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert (
        "board certification expired 2026-01-01" in response.json()["errors"]["non_field_errors"][0]
    )
