"""The staff pages for cases, through HTTP: intake, detail, edit, permissions.

The case list and its search: test_case_search.py.
"""

import pytest
from django.urls import reverse

from cases.models import AccessLog, Case, Status
from tests.support.cases import open_case
from tests.support.factories import MEMBER_CIN, MEMBER_LAST
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

INTAKE = {
    "first_name": "Ada",
    "last_name": "Syntheticperson",
    "cin": "90000001A",
    "date_of_birth": "1970-02-03",
    "address_line1": "2 Fake St",
    "city": "Testville",
    "state": "CA",
    "postal_code": "95401",
    "language": "es",
    "practitioner_name": "Dr. Fake Doctor",
    "practitioner_npi": "1234567893",
    "tar_number": "TAR-777",
    "specialty": "Dermatology",
    "review_type": "standard",
    "received_at_plan": "2026-06-01T09:00",
    "circumstances": ["2"],
    "services": "0394T Image-guided brachytherapy of the skin",
    "diagnosis_codes": "C44.91",
    "questions": "Is it more beneficial?\nWhat evidence?",
    "response_needed_by": "2026-06-15",
}


def test_a_coordinator_opens_a_case_from_a_tar(coordinator):
    response = client_for(coordinator).post(reverse("cases:intake"), INTAKE)
    case = Case.objects.get(tar_number="TAR-777")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.member.language == "es"
    assert [q.text for q in case.questions.all()] == ["Is it more beneficial?", "What evidence?"]
    assert case.received_at_plan.isoformat() == "2026-06-01T16:00:00+00:00"


def test_intake_shows_an_unknown_code_and_saves_nothing(coordinator):
    response = client_for(coordinator).post(
        reverse("cases:intake"), {**INTAKE, "diagnosis_codes": "C44.91, E11.99999"}
    )
    assert response.status_code == 200
    assert (
        "“E11.99999” is not a code in the current ICD-10-CM code set." in response.content.decode()
    )
    assert not Case.objects.exists()


def test_the_case_page_shows_the_checklist_and_logs_the_view(coordinator):
    case = open_case(coordinator)
    html = client_for(coordinator).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "9 of 9 present" in html
    assert case.member.internal_id in html
    assert AccessLog.objects.filter(case=case, user=coordinator, action="view_case").count() == 1


@pytest.mark.parametrize("persona", ["quac_member", "reviewer", "outsider"])
def test_roles_without_phi_cannot_open_case_pages(request, coordinator, persona):
    case = open_case(coordinator)
    client = client_for(request.getfixturevalue(persona))
    for name in ("cases:detail", "cases:edit"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:list")).status_code == 403
    assert client.get(reverse("cases:intake")).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_stale_edit_form_is_refused_with_a_message(coordinator):
    case = open_case(coordinator)
    client = client_for(coordinator)
    form = {**INTAKE, "version": case.version, "specialty": "Oncology"}
    assert client.post(reverse("cases:edit", args=[case.pk]), form).status_code == 302
    stale = {**INTAKE, "version": case.version, "specialty": "Cardiology"}
    response = client.post(reverse("cases:edit", args=[case.pk]), stale)
    assert "changed by someone else" in response.content.decode()
    case.refresh_from_db()
    assert case.specialty == "Oncology"


def test_the_cmo_approves_and_the_coordinator_cannot(coordinator, cmo):
    case = open_case(coordinator)
    assert client_for(coordinator).post(reverse("cases:approve", args=[case.pk])).status_code == 403
    client_for(cmo).post(reverse("cases:approve", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == Status.ASSEMBLING


def test_the_audited_dates_report_lists_changes(coordinator, cmo):
    case = open_case(coordinator)
    client_for(cmo).post(
        reverse("cases:received_at_plan", args=[case.pk]),
        {"received_at_plan": "2026-05-29T16:00", "reason": "Fax stamp earlier."},
    )
    html = client_for(cmo).get(reverse("cases:audited_dates")).content.decode()
    assert "Fax stamp earlier." in html
    assert client_for(coordinator).get(reverse("cases:audited_dates")).status_code == 403


def test_icd10_suggestions_describe_codes(coordinator):
    body = client_for(coordinator).get(reverse("cases:icd10_suggest"), {"q": "E11.9"}).json()
    assert {
        "code": "E11.9",
        "description": "Type 2 diabetes mellitus without complications",
    } in body["results"]


def test_no_phi_in_the_case_list_url_or_titles(coordinator):
    open_case(coordinator)
    html = client_for(coordinator).get(reverse("cases:list")).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert MEMBER_CIN not in title and MEMBER_LAST not in title


def test_the_next_step_is_shown_for_the_role(coordinator, cmo):
    case = open_case(coordinator)
    url = reverse("cases:detail", args=[case.pk])
    waiting = client_for(coordinator).get(url).content.decode()
    assert "Approve referral: waiting for the CMO or a Physician Designee." in waiting
    assert "Approve referral to IMR</button>" in client_for(cmo).get(url).content.decode()
    client_for(cmo).post(reverse("cases:approve", args=[case.pk]))
    # No "Submit" while no reviewer is assigned (issue 19): the first open gate is named.
    assembling = client_for(coordinator).get(url).content.decode()
    assert 'href="#reviewer">Assign a reviewer</a>' in assembling
    assert "Submit to IMRO" not in assembling and "Submit to the reviewer</a>" not in assembling
