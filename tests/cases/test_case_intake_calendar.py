"""Intake through the page refuses a case whose clock the holiday calendar cannot count
(R-DL-17): the message names the year to add and nothing is saved."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")

INTAKE = {
    "first_name": "Ada",
    "last_name": "Syntheticperson",
    "cin": "90000002A",
    "date_of_birth": "1970-02-03",
    "address_line1": "2 Fake St",
    "city": "Testville",
    "state": "CA",
    "postal_code": "95401",
    "language": "en",
    "practitioner_name": "Dr. Fake Doctor",
    "practitioner_npi": "1234567893",
    "tar_number": "TAR-2035",
    "specialty": "Dermatology",
    "review_type": "retrospective",
    "circumstances": ["3"],
    "services": "0394T Image-guided brachytherapy of the skin",
    "diagnosis_codes": "C44.91",
    "questions": "Was it medically necessary?",
    "response_needed_by": "2035-12-20",
}


def test_intake_shows_the_year_to_add_and_saves_nothing(coordinator):
    with time_machine.travel(datetime(2035, 12, 4, 9, 0, tzinfo=LA), tick=False):
        response = client_for(coordinator).post(
            reverse("cases:intake"), {**INTAKE, "received_at_plan": "2035-12-03T09:00"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "runs into 2036" in html and "2036 holidays" in html
    assert not Case.objects.exists()


def test_the_same_intake_inside_the_calendar_opens_the_case(coordinator):
    with time_machine.travel(datetime(2035, 10, 16, 9, 0, tzinfo=LA), tick=False):
        response = client_for(coordinator).post(
            reverse("cases:intake"), {**INTAKE, "received_at_plan": "2035-10-15T09:00"}
        )
    assert response.status_code == 302
    case = Case.objects.get(tar_number="TAR-2035")
    assert case.origin == "retrospective"
