"""Conflict-of-interest attestation per case and reviewer (R-REF-6, H&S Code 1374.32(c))."""

import pytest

from cases.models import CaseEvent
from cases.services import case_submit
from imr.errors import Refused
from reviewers import services
from reviewers.models import Assignment, ConflictAttestation
from tests.reviewers.conftest import NO_CONFLICT, make_case
from tests.support.personas import client_for


@pytest.mark.django_db
def test_every_item_must_be_answered(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    answers = dict(NO_CONFLICT)
    del answers["facility"]

    with pytest.raises(Refused) as refused:
        services.attestation_record(
            case=case, specialist=specialist_a, actor=coordinator, answers=answers
        )

    assert refused.value.problems == [
        "Answer yes or no for: The institution or facility at which the service would be provided."
    ]
    assert not ConflictAttestation.objects.exists()


@pytest.mark.django_db
def test_a_declared_conflict_ends_the_assignment_and_blocks_submission(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist_a, actor=coordinator)

    services.attestation_record(
        case=case,
        specialist=specialist_a,
        actor=coordinator,
        answers=NO_CONFLICT | {"member_or_family": True},
    )

    assignment = Assignment.objects.get(case=case)
    assert assignment.ended_reason == "conflict of interest declared"
    with pytest.raises(Refused) as refused:
        case_submit(case=case, actor=coordinator)
    assert "No reviewer is assigned" in " ".join(refused.value.problems)
    kinds = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    # After intake's and the approval's own events:
    assert kinds[-3:] == ["reviewer_assigned", "conflict_attested", "reviewer_unassigned"]


@pytest.mark.django_db
def test_an_attestation_is_recorded_once(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    services.attestation_record(
        case=case, specialist=specialist_a, actor=coordinator, answers=NO_CONFLICT
    )

    with pytest.raises(Refused):
        services.attestation_record(
            case=case,
            specialist=specialist_a,
            actor=coordinator,
            answers=NO_CONFLICT | {"plan_or_officers": True},
        )

    assert ConflictAttestation.objects.get(case=case).has_conflict is False


@pytest.mark.django_db
def test_the_assigned_reviewer_attests_in_the_portal(coordinator, reviewer, specialist_a):
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist_a, actor=coordinator)
    client = client_for(reviewer)
    page = client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "Conflict-of-interest attestation" in page
    assert "packet" not in page.lower()  # not submitted yet: no file

    response = client.post(f"/portal/cases/{case.pk}/attest/", {name: "no" for name in NO_CONFLICT})

    assert response.status_code == 302
    attestation = ConflictAttestation.objects.get(case=case)
    assert (attestation.via_portal, attestation.attested_by, attestation.has_conflict) == (
        True,
        reviewer,
        False,
    )
    event = CaseEvent.objects.get(case=case, kind="conflict_attested")
    assert (
        event.summary == "Dr. Alpha Reviewer attested to no conflict of interest (in the portal)."
    )


@pytest.mark.django_db
def test_a_conflict_declared_in_the_portal_removes_the_case_from_it(
    coordinator, reviewer, specialist_a
):
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist_a, actor=coordinator)
    client = client_for(reviewer)

    response = client.post(
        f"/portal/cases/{case.pk}/attest/",
        {name: "no" for name in NO_CONFLICT} | {"manufacturer": "yes"},
    )

    assert response["Location"] == "/portal/"
    assert client.get(f"/portal/cases/{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_an_attestation_recorded_by_staff_names_who_recorded_it(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist_a, actor=coordinator)
    services.attestation_record(
        case=case, specialist=specialist_a, actor=coordinator, answers=NO_CONFLICT
    )
    event = CaseEvent.objects.get(case=case, kind="conflict_attested")
    who = coordinator.get_full_name() or coordinator.username
    assert event.summary.endswith(f"(recorded by {who}).")
    html = client_for(coordinator).get(f"/cases/{case.pk}/").content.decode()
    assert f"recorded by {who})" in html and "recorded by UM staff" not in html
