"""The reviewer's determination received: clocks stop met or missed, the CMO is told."""

from datetime import timedelta

import pytest

from cases.models import CaseEvent, Document, Status
from cases.services import review_record
from imr.errors import Refused
from notifications.models import Notification
from reviewers.models import Review
from tests.reviewers.conftest import (
    NOW,
    PHI_STRINGS,
    determination_file,
    local,
    make_case,
    submitted,
)
from tests.support.personas import client_for
from timelines.models import Clock

FIELDS = {
    "recommendation": "overturn",
    "rationale": "Evidence supports the procedure for this presentation.",
    "documents_reviewed": "Packet items 1–4.",
    "reviewer_qualifications": "Board-certified cardiologist, 15 years in practice.",
}


@pytest.fixture
def case(coordinator, specialist_a):
    return submitted(make_case(owner=coordinator), specialist_a, coordinator)


def _upload(client, case):
    return client.post(
        f"/portal/cases/{case.pk}/determination/", FIELDS | {"file": determination_file()}
    )


@pytest.mark.django_db
def test_an_upload_before_the_due_time_stops_the_clock_as_met(case, reviewer, cmo, frozen_now):
    frozen_now.move_to(local(2026, 3, 6, 15, 0))

    response = _upload(client_for(reviewer), case)

    assert response.status_code == 302
    review = Review.objects.get(case=case)
    assert (review.recommendation, review.received_via, review.timely) == (
        "overturn",
        "portal",
        True,
    )
    assert review.reviewer_qualifications == FIELDS["reviewer_qualifications"]
    assert review.document.kind == "reviewer_determination"
    clock = Clock.objects.get(case=case, name="imro_determination")
    assert (clock.status, clock.stopped_at) == ("met", local(2026, 3, 6, 15, 0))
    case.refresh_from_db()
    assert case.status == Status.REVIEW_RECEIVED
    notes = Notification.objects.filter(kind="review_received", case=case)
    # Every CMO and Physician Designee (the cases' approvers too), once each.
    recipients = [note.recipient for note in notes]
    assert cmo in recipients
    assert len(recipients) == len(set(recipients))
    assert all(user.has_perm("imr.decide_cases") for user in recipients)
    for note in notes:
        assert note.link == f"/cases/{case.pk}/"
        for phi in PHI_STRINGS:
            assert phi not in note.text


@pytest.mark.django_db
def test_an_upload_after_the_due_time_marks_the_clock_missed(case, reviewer, frozen_now):
    due = Clock.objects.get(case=case, name="imro_determination").due_at
    assert due == local(2026, 3, 9, 23, 59, 59)  # 5 business days after Mon 2 March
    frozen_now.move_to(due + timedelta(seconds=1))

    _upload(client_for(reviewer), case)

    assert Clock.objects.get(case=case, name="imro_determination").status == "missed"
    assert Review.objects.get(case=case).timely is False
    event = CaseEvent.objects.get(case=case, kind="review_received")
    assert event.summary.endswith("; late.")


@pytest.mark.django_db
def test_staff_record_a_determination_that_arrived_by_fax(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 10, 9, 0))
    arrived = local(2026, 3, 9, 16, 30)

    review = review_record(
        case=case,
        actor=coordinator,
        uploaded_file=determination_file(),
        received_via="staff",
        received_at=arrived,
        **FIELDS,
    )

    assert (review.received_at, review.timely) == (arrived, True)
    assert Clock.objects.get(case=case, name="imro_determination").stopped_at == arrived


@pytest.mark.django_db
def test_the_determination_is_recorded_once(case, reviewer, coordinator):
    _upload(client_for(reviewer), case)
    documents = Document.objects.filter(case=case).count()

    with pytest.raises(Refused) as refused:
        review_record(
            case=case,
            actor=coordinator,
            uploaded_file=determination_file(),
            received_via="staff",
            received_at=NOW,
            **FIELDS,
        )

    assert "already recorded" in refused.value.problems[0]
    assert Document.objects.filter(case=case).count() == documents


@pytest.mark.django_db
def test_missing_fields_are_all_named_and_nothing_is_stored(case, coordinator):
    with pytest.raises(Refused) as refused:
        review_record(
            case=case,
            actor=coordinator,
            uploaded_file=determination_file(),
            received_via="staff",
            recommendation="maybe",
            rationale=" ",
            documents_reviewed="",
            reviewer_qualifications="",
        )

    assert len(refused.value.problems) == 4
    assert not Review.objects.exists()
    assert not Document.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


@pytest.mark.django_db
def test_a_determination_cannot_be_dated_in_the_future(case, coordinator):
    with pytest.raises(Refused):
        review_record(
            case=case,
            actor=coordinator,
            uploaded_file=determination_file(),
            received_via="staff",
            received_at=NOW + timedelta(days=1),
            **FIELDS,
        )
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_staff_record_through_the_panel_form(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 10, 9, 0))

    response = client_for(coordinator).post(
        f"/portal/staff/cases/{case.pk}/review/",
        FIELDS | {"file": determination_file(), "received_at": "2026-03-10T08:15"},
    )

    assert response.status_code == 302
    review = Review.objects.get(case=case)
    assert (review.received_via, review.received_at) == ("staff", local(2026, 3, 10, 8, 15))
    assert review.timely is False  # due Mon 9 March 23:59:59


@pytest.mark.django_db
def test_the_reviewer_asks_and_uploads_through_the_api(case, reviewer):
    client = client_for(reviewer)

    asked = client.post(
        f"/api/v1/portal/cases/{case.pk}/information-requests/",
        {"question": "Any prior stress test?"},
        content_type="application/json",
    )
    uploaded = client.post(
        f"/api/v1/portal/cases/{case.pk}/review/", FIELDS | {"file": determination_file()}
    )

    assert asked.status_code == 201
    assert asked.json()["is_open"] is True
    assert uploaded.status_code == 201
    assert uploaded.json()["received_via"] == "portal"
    assert uploaded.json()["timely"] is True
