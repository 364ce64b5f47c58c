"""Every error is an RFC 9457 problem document with field-level messages; never a trace."""

import logging

import pytest
from django.core.exceptions import ValidationError
from rest_framework.response import Response

from cases.models import Case, Status
from cases.workflow import STALE_CASE, transition_refusal
from imr.api.errors import problem_exception_handler, problem_from_response
from imr.errors import Conflict, Refused
from tests.cases.test_case_api import NEW_CASE
from tests.support.cases import open_case
from tests.support.personas import client_for

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == status and body["type"].startswith("urn:imr-desk:problem:")
    return body


@pytest.mark.django_db
def test_bad_input_names_each_field_nested_ones_dotted(coordinator):
    member = {key: value for key, value in NEW_CASE["member"].items() if key != "first_name"}
    response = client_for(coordinator).post(
        "/api/v1/cases/",
        {**NEW_CASE, "member": member, "review_type": "weekly"},
        content_type="application/json",
    )

    body = _problem(response, 400)
    assert body["type"] == "urn:imr-desk:problem:invalid"
    assert set(body["errors"]) == {"member.first_name", "review_type"}
    assert body["errors"]["member.first_name"] == ["This field is required."]
    assert "member.first_name" in body["detail"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_services_refusal_is_a_problem_too(coordinator):
    bad = {**NEW_CASE, "diagnosis_codes": ["C34.9999"]}
    response = client_for(coordinator).post("/api/v1/cases/", bad, content_type="application/json")
    body = _problem(response, 400)
    assert "C34.9999" in str(body["errors"])


@pytest.mark.django_db
def test_a_refused_action_is_a_request_wide_problem(coordinator, cmo):
    case = open_case(coordinator)
    client = client_for(cmo)
    assert client.post(f"/api/v1/cases/{case.pk}/approve/").status_code == 200

    body = _problem(client.post(f"/api/v1/cases/{case.pk}/approve/"), 400)

    assert body["errors"] == {"non_field_errors": ["The referral to IMR is already approved."]}
    assert body["detail"] == "The referral to IMR is already approved."


@pytest.mark.django_db
def test_http_level_errors_are_problems(coordinator):
    client = client_for(coordinator)
    assert _problem(client.get("/api/v1/cases/999999/"), 404)["type"].endswith(":not-found")
    assert _problem(client.delete("/api/v1/cases/"), 405)["type"].endswith(":method-not-allowed")
    body = _problem(
        client.post("/api/v1/cases/", "{not json", content_type="application/json"), 400
    )
    assert body["type"].endswith(":parse-error")
    _problem(client.post("/api/v1/cases/", "x", content_type="text/plain"), 415)
    assert _problem(client.get("/api/v1/cases/not-a-number/"), 404)["detail"].startswith("No API")


@pytest.mark.django_db
def test_a_hand_built_error_response_is_reshaped(coordinator):
    # timelines.api answers an unknown case with Response({"detail": ...}, 404).
    body = _problem(client_for(coordinator).get("/api/v1/cases/999999/clocks/"), 404)
    assert body["detail"] == "No such case."


@pytest.mark.django_db
def test_an_unexpected_error_is_a_500_without_detail_or_phi(coordinator, monkeypatch, caplog):
    case = open_case(coordinator)

    def broken(case):
        raise RuntimeError("Member Jane Syntheticmember, CIN 90000002B")

    monkeypatch.setattr("cases.api.case.referral_file_checklist", broken)
    with caplog.at_level(logging.ERROR, logger="imr.api"):
        response = client_for(coordinator).get(f"/api/v1/cases/{case.pk}/checklist/")

    body = _problem(response, 500)
    assert "Syntheticmember" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["errors"] == {}
    logged = caplog.text
    assert "RuntimeError" in logged and "api/v1/cases/<int:pk>/checklist/" in logged
    assert "Syntheticmember" not in logged and "90000002B" not in logged


@pytest.mark.parametrize(
    ("exc", "status", "errors"),
    [
        (ValidationError({"file": ["Not a PDF."]}), 400, {"file": ["Not a PDF."]}),
        (
            ValidationError(["Missing item a.", "Missing item b."]),
            400,
            {"non_field_errors": ["Missing item a.", "Missing item b."]},
        ),
        (ValidationError({"__all__": ["Whole form."]}), 400, {"non_field_errors": ["Whole form."]}),
        (Refused(["No attestation."]), 400, {"non_field_errors": ["No attestation."]}),
        (Conflict(STALE_CASE), 409, {}),
        (Conflict(transition_refusal(Status.CLOSED, Status.INTAKE)), 409, {}),
    ],
)
def test_the_services_exceptions_are_mapped_generically(exc, status, errors):
    response = problem_exception_handler(exc, {})
    assert response.status_code == status
    assert response.data["errors"] == errors
    assert response.content_type == PROBLEM


def test_legacy_shapes_become_request_wide_messages():
    reshaped = problem_from_response(Response({"problems": ["First.", "Second."]}, status=400)).data
    assert reshaped["errors"] == {"non_field_errors": ["First.", "Second."]}
    assert reshaped["detail"] == "First. Second."
    form_errors = {"errors": {"date_to": [{"message": "Required.", "code": "required"}]}}
    assert problem_from_response(Response(form_errors, status=400)).data["errors"] == {
        "date_to": ["Required."]
    }
