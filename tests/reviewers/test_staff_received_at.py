"""UM staff's "Received at" for a determination that came outside the portal: seconds
allowed, empty means now, and the current time typed right after submission is accepted."""

import pytest

from reviewers.models import Review, Submission
from tests.reviewers.conftest import determination_file, local, make_case, submitted
from tests.support.personas import client_for

FIELDS = {
    "recommendation": "overturn",
    "rationale": "Evidence supports the procedure for this presentation.",
    "documents_reviewed": "Packet items 1–4.",
    "reviewer_qualifications": "Board-certified cardiologist, 15 years in practice.",
}
SUBMITTED_AT = local(2026, 3, 2, 10, 0, 30)


@pytest.fixture
def case(coordinator, specialist_a, frozen_now):
    frozen_now.move_to(SUBMITTED_AT)
    case = submitted(make_case(owner=coordinator), specialist_a, coordinator)
    assert Submission.objects.get(case=case).imro_received_at == SUBMITTED_AT
    return case


def record(coordinator, case, received_at: str):
    return client_for(coordinator).post(
        f"/portal/staff/cases/{case.pk}/review/",
        FIELDS | {"file": determination_file(), "received_at": received_at},
    )


@pytest.mark.django_db
def test_the_panel_offers_seconds_and_defaults_to_now(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 2, 10, 0, 45))
    html = client_for(coordinator).get(f"/cases/{case.pk}/").content.decode()
    assert 'name="received_at" id="review-received" value="2026-03-02T10:00:45"' in html
    assert 'step="1"' in html


@pytest.mark.django_db
def test_the_current_minute_typed_right_after_submission_is_accepted(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 2, 10, 0, 50))
    response = record(coordinator, case, "2026-03-02T10:00")  # no seconds: before 10:00:30
    assert response.status_code == 302
    review = Review.objects.get(case=case)
    assert review.received_at == SUBMITTED_AT  # not before the file reached the reviewer


@pytest.mark.django_db
def test_seconds_are_kept(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 2, 10, 1, 0))
    assert record(coordinator, case, "2026-03-02T10:00:41").status_code == 302
    assert Review.objects.get(case=case).received_at == local(2026, 3, 2, 10, 0, 41)


@pytest.mark.django_db
def test_empty_means_now(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 2, 10, 2, 7))
    assert record(coordinator, case, "").status_code == 302
    assert Review.objects.get(case=case).received_at == local(2026, 3, 2, 10, 2, 7)


@pytest.mark.django_db
def test_a_time_before_the_submission_is_still_refused(case, coordinator, frozen_now):
    frozen_now.move_to(local(2026, 3, 2, 10, 5, 0))
    response = client_for(coordinator).post(
        f"/portal/staff/cases/{case.pk}/review/",
        FIELDS | {"file": determination_file(), "received_at": "2026-03-02T10:00:10"},
        follow=True,
    )
    assert "cannot arrive before the reviewer had the file" in response.content.decode()
    assert not Review.objects.filter(case=case).exists()
