"""case_submit: every gate at once, nothing changed on refusal, once only (R-TRK-1)."""

from decimal import Decimal

import pytest
from django.core import mail

from cases.models import Case, CaseEvent, Status
from cases.services import case_submit
from imr.errors import Refused
from reviewers import services
from reviewers.models import Submission
from tests.reviewers.conftest import (
    NOW,
    PHI_STRINGS,
    make_case,
    make_specialist,
    ready_to_submit,
)
from tests.support.personas import client_for
from timelines.models import Clock


@pytest.mark.django_db
def test_it_names_every_failing_gate_and_changes_nothing(coordinator):
    case = make_case(owner=coordinator, complete=False)
    before = (case.status, case.version, CaseEvent.objects.filter(case=case).count())

    with pytest.raises(Refused) as refused:
        case_submit(case=case, actor=coordinator)

    problems = " ".join(refused.value.problems)
    for expected in (
        "(b) Requested service",
        "(c) Diagnoses",
        "(h) Date response needed",
        "(i) Specific questions",
        "No referral circumstance",
        "has not approved the referral",
        "No reviewer is assigned",
    ):
        assert expected in problems
    case.refresh_from_db()
    after = (case.status, case.version, CaseEvent.objects.filter(case=case).count())
    assert after == before
    assert not Submission.objects.filter(case=case).exists()
    assert not Clock.objects.filter(case=case, trigger="imro_receipt").exists()


@pytest.mark.django_db
def test_it_refuses_without_attestation_and_names_it(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist_a, actor=coordinator)

    with pytest.raises(Refused) as refused:
        case_submit(case=case, actor=coordinator)

    assert refused.value.problems == [
        "Dr. Alpha Reviewer has not attested to having no conflict of interest on this case "
        "(Health & Safety Code 1374.32(c), R-REF-6)."
    ]


@pytest.mark.django_db
def test_it_refuses_a_reviewer_whose_license_lapsed_since_assignment(coordinator, specialist_a):
    case = ready_to_submit(make_case(owner=coordinator), specialist_a, coordinator)
    specialist_a.license_expires = NOW.date().replace(day=1)
    specialist_a.save()

    with pytest.raises(Refused) as refused:
        case_submit(case=case, actor=coordinator)

    assert "no longer eligible" in refused.value.problems[0]
    assert "expired 2026-03-01" in refused.value.problems[0]


@pytest.mark.django_db
def test_it_submits_records_receipt_and_charge_and_starts_the_imro_clock(coordinator, specialist_a):
    case = ready_to_submit(make_case(owner=coordinator), specialist_a, coordinator)
    version = case.version

    submission = case_submit(case=case, actor=coordinator)

    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.version == version + 1
    assert submission.imro_received_at == NOW
    assert submission.charge_to_plan == Decimal("400.00")  # the IMRO's standard rate
    assert submission.delivery_channel == "portal"
    clock = Clock.objects.get(case=case, name="imro_determination")
    assert (clock.status, clock.started_at) == ("running", NOW)
    assert CaseEvent.objects.filter(case=case, kind="case_submitted").count() == 1


@pytest.mark.django_db
def test_an_independent_specialist_charges_their_own_rate(coordinator):
    specialist = make_specialist(
        "Dr. Solo", email="solo@example.invalid", charge_per_review=Decimal("275.00")
    )
    case = ready_to_submit(make_case(owner=coordinator), specialist, coordinator)

    submission = case_submit(case=case, actor=coordinator, delivery="email")

    assert submission.charge_to_plan == Decimal("275.00")


@pytest.mark.django_db
def test_a_second_submission_is_refused(coordinator, specialist_a):
    case = ready_to_submit(make_case(owner=coordinator), specialist_a, coordinator)
    case_submit(case=case, actor=coordinator)
    version = Case.objects.get(pk=case.pk).version

    with pytest.raises(Refused) as refused:
        case_submit(case=case, actor=coordinator)

    assert "already submitted" in refused.value.problems[0]
    assert Submission.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).version == version


@pytest.mark.django_db
def test_email_delivery_sends_a_link_without_phi(
    coordinator, imro, django_capture_on_commit_callbacks
):
    specialist = make_specialist("Dr. Mailed", imro=imro)
    case = ready_to_submit(make_case(owner=coordinator), specialist, coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        case_submit(case=case, actor=coordinator, delivery="email")

    (message,) = mail.outbox
    assert message.to == [imro.secure_delivery_address]
    assert f"/portal/cases/{case.pk}/" in message.body
    for phi in [*PHI_STRINGS, case.tar_number]:
        assert phi not in message.body
        assert phi not in message.subject


@pytest.mark.django_db
def test_a_refused_email_submission_sends_nothing(
    coordinator, imro, django_capture_on_commit_callbacks
):
    specialist = make_specialist("Dr. Unattested", imro=imro)
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist, actor=coordinator)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        case_submit(case=case, actor=coordinator, delivery="email")

    assert mail.outbox == []


@pytest.mark.django_db
def test_the_panel_form_submits_and_reports_refusals(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    client = client_for(coordinator)
    url = f"/portal/staff/cases/{case.pk}/submit/"

    refused = client.post(url, {"delivery": "portal"}, follow=True)
    assert "No reviewer is assigned" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.ASSEMBLING

    ready_to_submit(case, specialist_a, coordinator)
    response = client.post(url, {"delivery": "portal", "next": f"/cases/{case.pk}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#reviewer"
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_api_refuses_with_every_problem(coordinator):
    case = make_case(owner=coordinator, complete=False)

    response = client_for(coordinator).post(
        f"/api/v1/cases/{case.pk}/submission/",
        {"delivery": "portal"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert len(response.json()["errors"]["non_field_errors"]) >= 5
    assert not Submission.objects.filter(case=case).exists()
