"""A practitioner typed at intake whose NPI is on file under another name is shown and
must be confirmed, never silently replaced (issue 19)."""

import pytest
from django.urls import reverse

from cases.models import Case, Practitioner
from tests.support.factories import PractitionerFactory
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

NPI = "1234567893"


def _form(**overrides) -> dict:
    return {
        "first_name": "Nina",
        "last_name": "Syntheticmember",
        "cin": "92222222N",
        "date_of_birth": "1960-02-02",
        "address_line1": "2 Fake St",
        "city": "Testville",
        "postal_code": "95401",
        "state": "CA",
        "language": "en",
        "practitioner_name": "Dr. Typed Name",
        "practitioner_npi": NPI,
        "tar_number": "TAR-NPI-1",
        "specialty": "Oncology",
        "review_type": "standard",
        "received_at_plan": "2026-06-01T09:00",
        "circumstances": ["3"],
        "services": "J9271 Pembrolizumab infusion",
        "diagnosis_codes": "C34.90",
        "questions": "Is it indicated?",
        **overrides,
    }


def test_an_npi_on_file_under_another_name_is_shown_and_nothing_is_saved(coordinator):
    PractitionerFactory(name="Dr. On File", npi=NPI, specialty="Oncology")
    response = client_for(coordinator).post(reverse("cases:intake"), _form())
    assert response.status_code == 200
    html = response.content.decode()
    assert "NPI 1234567893 is on file for Dr. On File (Oncology)" in html
    assert 'type="checkbox" name="practitioner_use_on_file"' in html
    assert not Case.objects.exists()
    assert Practitioner.objects.count() == 1


def test_confirming_the_match_opens_the_case_with_the_record_on_file(coordinator):
    on_file = PractitionerFactory(name="Dr. On File", npi=NPI)
    response = client_for(coordinator).post(
        reverse("cases:intake"), _form(practitioner_use_on_file="on")
    )
    assert response.status_code == 302
    assert Case.objects.get(tar_number="TAR-NPI-1").treating_practitioner == on_file


def test_the_same_name_needs_no_confirmation(coordinator):
    on_file = PractitionerFactory(name="Dr. Typed Name", npi=NPI)
    response = client_for(coordinator).post(
        reverse("cases:intake"), _form(practitioner_name="dr typed name")
    )
    assert response.status_code == 302
    assert Case.objects.get().treating_practitioner == on_file


def _api_body(**practitioner) -> dict:
    return {
        "member": {
            "first_name": "Nina",
            "last_name": "Syntheticmember",
            "cin": "92222222N",
            "date_of_birth": "1960-02-02",
            "address_line1": "2 Fake St",
            "city": "Testville",
            "postal_code": "95401",
        },
        "practitioner": {"name": "Dr. Typed Name", "npi": NPI, **practitioner},
        "tar_number": "TAR-NPI-API",
        "specialty": "Oncology",
        "review_type": "standard",
        "received_at_plan": "2026-06-01T09:00:00-07:00",
        "circumstances": [3],
        "services": [{"code": "J9271", "description": "Pembrolizumab infusion"}],
        "diagnosis_codes": ["C34.90"],
        "questions": ["Is it indicated?"],
    }


def test_the_api_refuses_an_npi_on_file_under_another_name_until_confirmed(coordinator):
    on_file = PractitionerFactory(name="Dr. On File", npi=NPI)
    client = client_for(coordinator)
    refused = client.post("/api/v1/cases/", _api_body(), content_type="application/json")
    assert refused.status_code == 400
    assert "NPI 1234567893 is on file for Dr. On File" in refused.content.decode()
    assert not Case.objects.exists()
    confirmed = client.post(
        "/api/v1/cases/", _api_body(use_on_file=True), content_type="application/json"
    )
    assert confirmed.status_code == 201, confirmed.content
    assert Case.objects.get().treating_practitioner == on_file
