"""Intake is one change (R-SEC-3, issue 16 finding 4): a refused intake writes nothing.

Through the API and the intake page: an existing CIN with a new name, date of birth and
address and an unknown diagnosis code is refused and the member keeps every field, and
no table gains a row (members, cases, events, history, practitioners, clocks); a new
CIN refused the same way leaves no member. An accepted intake that changes a member
says which fields changed and keeps the old values in the member's history.
"""

import pytest
from django.apps import apps
from django.urls import reverse

from cases.models import CaseEvent, Member
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

CIN = "91111111C"
RECORDED = {
    "first_name": "Rita",
    "last_name": "Recordedperson",
    "cin": CIN,
    "date_of_birth": "1950-05-05",
    "address_line1": "1 Old Rd",
    "city": "Oldtown",
    "postal_code": "95401",
}
CHANGED = {
    **RECORDED,
    "first_name": "Rena",
    "last_name": "Othername",
    "date_of_birth": "1951-06-06",
    "address_line1": "9 New Ave",
    "city": "Newtown",
}
CASE_FACTS = {
    "tar_number": "TAR-SEC-3",
    "specialty": "Oncology",
    "review_type": "standard",
    "received_at_plan": "2026-06-01T09:00:00-07:00",
    "circumstances": [3],
    "services": [{"code": "J9271", "description": "Pembrolizumab infusion"}],
    "diagnosis_codes": ["C34.90"],
    "questions": ["Is it indicated?"],
}
UNKNOWN_CODE = "C34.9999"


def _api_body(member: dict, *, diagnosis: str = "C34.90", tar: str = "TAR-SEC-3") -> dict:
    return {
        **CASE_FACTS,
        "tar_number": tar,
        "diagnosis_codes": [diagnosis],
        "member": member,
        "practitioner": {"name": "Dr. Fake Prac", "npi": "1234567893"},
    }


def _form(member: dict, *, diagnosis: str = "C34.90") -> dict:
    return {
        **member,
        "state": "CA",
        "language": "en",
        "practitioner_name": "Dr. Fake Prac",
        "practitioner_npi": "1234567893",
        "tar_number": "TAR-SEC-3",
        "specialty": "Oncology",
        "review_type": "standard",
        "received_at_plan": "2026-06-01T09:00",
        "circumstances": ["3"],
        "services": "J9271 Pembrolizumab infusion",
        "diagnosis_codes": diagnosis,
        "questions": "Is it indicated?",
    }


def _row_counts() -> dict[str, int]:
    """Rows in every table the project's models own (history tables included)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _recorded_member(client) -> Member:
    response = client.post(
        "/api/v1/cases/", _api_body(RECORDED, tar="TAR-FIRST"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return Member.objects.get(cin=CIN)


def _open_by_api(client, member: dict, diagnosis: str):
    return client.post(
        "/api/v1/cases/", _api_body(member, diagnosis=diagnosis), content_type="application/json"
    )


def _open_by_page(client, member: dict, diagnosis: str):
    return client.post(reverse("cases:intake"), _form(member, diagnosis=diagnosis))


SURFACES = {"api": (_open_by_api, 400), "page": (_open_by_page, 200)}


@pytest.mark.parametrize("surface", SURFACES)
def test_a_refused_intake_leaves_an_existing_member_and_every_table_unchanged(coordinator, surface):
    client = client_for(coordinator)  # signed in once: no session or sign-in row below
    member = _recorded_member(client)
    before_member = Member.objects.filter(pk=member.pk).values().get()  # every column
    before_counts = _row_counts()
    send, refused_status = SURFACES[surface]

    response = send(client, CHANGED, UNKNOWN_CODE)

    assert response.status_code == refused_status
    assert UNKNOWN_CODE in response.content.decode()
    assert Member.objects.filter(pk=member.pk).values().get() == before_member
    member.refresh_from_db()
    assert member.first_name == "Rita" and member.address_line1 == "1 Old Rd"
    after_counts = _row_counts()
    assert {k: v for k, v in after_counts.items() if before_counts[k] != v} == {}


@pytest.mark.parametrize("surface", SURFACES)
def test_a_refused_intake_with_a_new_cin_leaves_no_member(coordinator, surface):
    send, refused_status = SURFACES[surface]
    client = client_for(coordinator)
    before_counts = _row_counts()

    response = send(client, {**CHANGED, "cin": "92222222D"}, UNKNOWN_CODE)

    assert response.status_code == refused_status
    assert not Member.objects.filter(cin="92222222D").exists()
    assert _row_counts() == before_counts


def test_the_api_names_the_member_fields_an_intake_changed(coordinator):
    client = client_for(coordinator)
    member = _recorded_member(client)

    response = _open_by_api(client, CHANGED, "C34.90")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["member_changes"] == [
        "first_name",
        "last_name",
        "date_of_birth",
        "address_line1",
        "city",
    ]
    member.refresh_from_db()
    assert (member.last_name, member.city) == ("Othername", "Newtown")
    old = member.history.order_by("history_date", "history_id").first()
    assert (old.last_name, old.city) == ("Recordedperson", "Oldtown")
    event = CaseEvent.objects.get(case_id=body["id"], kind="member_updated")
    assert event.data == {"fields": body["member_changes"]}
    assert "Othername" not in event.summary and "last name" in event.summary


def test_a_first_intake_changes_nothing_it_reports(coordinator):
    response = client_for(coordinator).post(
        "/api/v1/cases/", _api_body(RECORDED), content_type="application/json"
    )
    assert response.json()["member_changes"] == []


def test_the_page_says_which_member_fields_changed(coordinator):
    client = client_for(coordinator)
    _recorded_member(client)

    response = client.post(reverse("cases:intake"), _form(CHANGED), follow=True)

    html = response.content.decode()
    assert "The member&#x27;s record (same CIN) was updated: first name, last name" in html
    assert "address" in html.split("was updated:")[1]
    assert Member.objects.get(cin=CIN).last_name == "Othername"


def test_a_member_without_a_case_is_not_served(coordinator):
    orphan = Member.objects.create(
        **{**RECORDED, "cin": "93333333E", "date_of_birth": "1950-05-05"}
    )

    response = client_for(coordinator).get(f"/api/v1/members/{orphan.pk}/")

    assert response.status_code == 404
    assert "Recordedperson" not in response.content.decode()
