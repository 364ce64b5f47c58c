"""/api/v1/deadlines/preview/ and /api/v1/cases/<id>/clocks/."""

import pytest

from tests.support.personas import client_for
from tests.timelines.conftest import local, make_case
from timelines.services import clocks_start

PREVIEW = "/api/v1/deadlines/preview/"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "cmo", "administrator"])
def test_staff_preview_the_policy_example(request, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(
        PREVIEW, {"review_type": "standard", "received_at": "2025-08-29T16:55"}
    )
    assert response.status_code == 200
    (clock,) = response.json()["clocks"]
    assert (clock["name"], clock["due_at"]) == ("imro_determination", "2025-09-08T23:59:59-07:00")
    assert clock["explanation"]["counted"][0] == {"day": 1, "date": "2025-09-02"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["quac_member", "reviewer", "outsider"])
def test_others_may_not_preview(request, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(
        PREVIEW, {"review_type": "standard", "received_at": "2025-08-29T16:55"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_gets_401_not_a_login_page(client):
    assert client.get(PREVIEW).status_code == 401


@pytest.mark.django_db
def test_a_refused_extension_is_a_400_with_both_times(coordinator):
    response = client_for(coordinator).get(
        PREVIEW,
        {
            "review_type": "expedited",
            "received_at": "2026-03-07T10:00",
            "imro_received_at": "2026-03-08T14:00",
            "extended": "true",
        },
    )
    assert response.status_code == 400
    assert "2026-03-10T11:00:00-07:00" in response.json()["detail"]


@pytest.mark.django_db
def test_bad_input_is_a_400_naming_the_field(coordinator):
    response = client_for(coordinator).get(
        PREVIEW, {"review_type": "weekly", "received_at": "soon", "holidays": "x"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"review_type", "received_at", "holidays"}


@pytest.mark.django_db
def test_holidays_replace_the_calendar(coordinator):
    response = client_for(coordinator).get(
        PREVIEW,
        {
            "review_type": "retrospective",
            "received_at": "2026-06-01T09:00",
            "imro_received_at": "2026-06-10T14:00",
            "holidays": "",
        },
    )
    dues = {c["name"]: c["due_at"] for c in response.json()["clocks"]}
    assert dues["imro_determination_limit"] == "2026-06-19T23:59:59-07:00"


@pytest.mark.django_db
def test_a_cases_clocks_with_explanations(coordinator):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2025, 8, 29, 16, 55))
    response = client_for(coordinator).get(f"/api/v1/cases/{case.pk}/clocks/")
    assert response.status_code == 200
    (clock,) = [c for c in response.json()["clocks"] if c["name"] == "imro_determination"]
    assert clock["due_at"] == "2025-09-08T23:59:59-07:00"
    assert clock["status"] == "running"
    assert "Skipped Mon 2025-09-01: holiday (Labor Day)." in clock["explanation"]["lines"]


@pytest.mark.django_db
def test_a_reviewer_cannot_read_a_cases_clocks(coordinator, reviewer):
    case = make_case(owner=coordinator)
    assert client_for(reviewer).get(f"/api/v1/cases/{case.pk}/clocks/").status_code == 403
