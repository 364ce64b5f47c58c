"""The cases REST API: same services and permissions as the pages."""

import pytest

from cases.models import AccessLog, Case, Status
from tests.support.cases import open_case
from tests.support.factories import MEMBER_CIN
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

NEW_CASE = {
    "member": {
        "first_name": "Api",
        "last_name": "Syntheticmember",
        "cin": "90000002B",
        "date_of_birth": "1980-01-01",
        "address_line1": "3 Fake Rd",
        "city": "Testville",
        "postal_code": "95401",
    },
    "practitioner": {"name": "Dr. Api Fake"},
    "tar_number": "TAR-API-1",
    "specialty": "Oncology",
    "review_type": "expedited",
    "expedited_criterion": "imminent_threat",
    "expedited_determined_by": "cmo",
    "received_at_plan": "2026-06-01T09:00:00-07:00",
    "circumstances": [3],
    "services": [{"code": "J9271", "description": "Pembrolizumab infusion"}],
    "diagnosis_codes": ["C34.90"],
    "questions": ["Is it indicated?"],
}


def test_a_coordinator_creates_a_case(coordinator):
    response = client_for(coordinator).post(
        "/api/v1/cases/", NEW_CASE, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["review_type"] == "expedited"
    assert body["internal_patient_id"].startswith("P-")
    assert "cin" not in body
    assert Case.objects.get(pk=body["id"]).member.cin == "90000002B"


def test_an_unknown_code_is_refused_with_its_name(coordinator):
    bad = {**NEW_CASE, "diagnosis_codes": ["C34.9999"]}
    response = client_for(coordinator).post("/api/v1/cases/", bad, content_type="application/json")
    assert response.status_code == 400
    assert "C34.9999" in str(response.json())
    assert not Case.objects.exists()


def test_a_stale_update_gets_409(coordinator):
    case = open_case(coordinator)
    client = client_for(coordinator)
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    update = {**NEW_CASE, "version": body["version"], "review_type": "standard"}
    update.pop("member"), update.pop("practitioner")
    update["expedited_criterion"] = ""
    assert (
        client.put(f"/api/v1/cases/{case.pk}/", update, content_type="application/json").status_code
        == 200
    )
    again = client.put(f"/api/v1/cases/{case.pk}/", update, content_type="application/json")
    assert again.status_code == 409
    assert "changed by someone else" in again.json()["detail"]


@pytest.mark.parametrize("persona", ["quac_member", "reviewer", "outsider"])
def test_roles_without_phi_are_refused(request, coordinator, persona):
    case = open_case(coordinator)
    client = client_for(request.getfixturevalue(persona))
    for url in (
        "/api/v1/cases/",
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/members/{case.member_id}/",
        f"/api/v1/cases/{case.pk}/checklist/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/api/v1/cases/{case.pk}/approve/").status_code == 403


def test_anonymous_gets_401_not_a_login_page(coordinator, client):
    case = open_case(coordinator)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 401


def test_member_phi_read_is_logged(coordinator):
    case = open_case(coordinator)
    body = client_for(coordinator).get(f"/api/v1/members/{case.member_id}/").json()
    assert body["cin"] == MEMBER_CIN
    assert AccessLog.objects.filter(action="view_member", user=coordinator).count() == 1


def test_approve_and_withdraw_through_the_api(coordinator, cmo):
    case = open_case(coordinator)
    assert client_for(coordinator).post(f"/api/v1/cases/{case.pk}/approve/").status_code == 403
    assert (
        client_for(cmo).post(f"/api/v1/cases/{case.pk}/approve/").json()["status"] == "assembling"
    )
    refused = client_for(coordinator).post(
        f"/api/v1/cases/{case.pk}/withdraw/", {"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    done = client_for(coordinator).post(
        f"/api/v1/cases/{case.pk}/withdraw/",
        {"reason": "Member request"},
        content_type="application/json",
    )
    assert done.json()["status"] == Status.WITHDRAWN


def test_the_list_filters(coordinator):
    open_case(coordinator)
    client = client_for(coordinator)
    assert client.get("/api/v1/cases/", {"review_type": "standard"}).json()["count"] == 1
    assert client.get("/api/v1/cases/", {"review_type": "expedited"}).json()["count"] == 0
    search = client.post("/api/v1/cases/search/", {"q": "TAR-000123"}, "application/json")
    assert search.json()["count"] == 1
