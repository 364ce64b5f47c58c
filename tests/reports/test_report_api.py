"""GET /api/v1/reports/quac/: the same figures as JSON, with the same permission."""

import json

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from reports.models import ReportRun
from tests.reports.conftest import RANGE, assert_no_phi, local
from tests.support.personas import client_for

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db

URL = reverse("reports-quac")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(local(2026, 4, 15, 12), tick=False):
        yield


def test_it_returns_the_figures(quac_member, report_data):
    response = client_for(quac_member).get(URL, RANGE)
    assert response.status_code == 200
    body = response.json()
    assert body["cases"] == 6
    assert body["percentiles_available"] is True
    summary = {row["figure"]: row["value"] for row in body["tables"]["summary"]["rows"]}
    assert summary["Turnaround, median (hours)"] == 30.0
    assert summary["Turnaround, 90th percentile (business days)"] == 1.6
    assert summary["Regulatory clocks met (%)"] == 83.3  # 10 of 12 breach clocks
    assert summary["Cost to the plan, total"] == "3000.00"
    by_imro = {row["group"]: row for row in body["tables"]["cost_by_imro"]["rows"]}
    assert by_imro["Beacon IMRO"]["cost"] == "1500.00"
    assert_no_phi(json.dumps(body))
    run = ReportRun.objects.get()
    assert (run.source, run.format, run.pulled_by) == ("api", "json", quac_member)


def test_filters_apply(quac_member, report_data):
    body = client_for(quac_member).get(URL, {**RANGE, "imro": "independent"}).json()
    assert body["cases"] == 1
    assert body["parameters"]["filters"] == {"imro": "independent"}


def test_um_staff_are_refused_unless_granted(coordinator, report_data):
    client = client_for(coordinator)
    assert client.get(URL, RANGE).status_code == 403
    coordinator.user_permissions.add(
        Permission.objects.get(content_type__app_label="imr", codename="view_reports")
    )
    assert client.get(URL, RANGE).status_code == 200


def test_anonymous_is_refused(client):
    assert client.get(URL, RANGE).status_code in (401, 403)


def test_bad_input_is_a_400_naming_the_field(quac_member):
    response = client_for(quac_member).get(URL, {"date_from": "2026-01-01"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"date_to": ["This field is required."]}
    assert not ReportRun.objects.exists()


def test_a_refused_range_is_a_request_wide_problem(quac_member):
    response = client_for(quac_member).get(
        URL, {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The end of the range is before its start." in json.dumps(response.json())
