"""The reports page: who may open it, what it shows, and that it is recorded."""

import io
import zipfile

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from reports.models import ReportRun
from reports.summary import summary_keys, summary_refresh
from tests.reports.conftest import RANGE, assert_no_phi, local
from tests.support.personas import client_for

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db

URL = reverse("reports:report")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(local(2026, 4, 15, 12), tick=False):
        yield


@pytest.mark.parametrize("persona", ["quac_member", "cmo", "administrator"])
def test_report_readers_open_the_page(request, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(URL)
    assert response.status_code == 200
    assert "Show report" in response.content.decode()
    assert not ReportRun.objects.exists()  # the empty form is not a report


@pytest.mark.parametrize("persona", ["coordinator", "reviewer", "outsider"])
def test_others_are_refused(request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(URL, RANGE).status_code == 403
    assert client_for(user).get(reverse("reports:csv"), RANGE).status_code == 403
    assert client_for(user).get(reverse("reports:pdf"), RANGE).status_code == 403
    assert not ReportRun.objects.exists()


def test_a_um_user_given_the_permission_may_pull_reports(coordinator):
    coordinator.user_permissions.add(
        Permission.objects.get(content_type__app_label="imr", codename="view_reports")
    )
    assert client_for(coordinator).get(URL, RANGE).status_code == 200


def test_the_page_shows_the_figures_and_charts_without_phi(quac_member, report_data):
    response = client_for(quac_member).get(URL, RANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "IMRO receipt 2026-01-01 to 2026-03-31" in html
    assert "Acme Review" in html
    assert "$3,000.00" in html
    assert "83.3" in html  # breach clocks met: 10 of 12 (test_report_figures.py)
    assert "75.0" in html  # agreement
    assert report_data.cases["c4"].member.internal_id in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert '<title id="timeliness-title">' in html
    assert '<desc id="volume-desc">' in html
    assert "<script" not in html
    assert_no_phi(html)


def test_each_report_pulled_is_recorded_and_listed(quac_member, report_data):
    client = client_for(quac_member)
    client.get(URL, {**RANGE, "review_type": "standard"})
    run = ReportRun.objects.get()
    assert (run.pulled_by, run.source, run.format) == (quac_member, "web", "html")
    assert (str(run.date_from), str(run.date_to)) == ("2026-01-01", "2026-03-31")
    assert run.filters["review_type"] == "standard"
    assert run.cases == 4
    html = client.get(URL).content.decode()
    assert "Review type: Standard" in html
    assert "quac" in html.split('id="history-heading"', 1)[1]


def test_a_bad_range_is_refused_with_a_message_and_not_recorded(quac_member):
    response = client_for(quac_member).get(
        URL, {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()
    assert not ReportRun.objects.exists()


def test_an_unknown_imro_is_refused(quac_member):
    response = client_for(quac_member).get(URL, {**RANGE, "imro": "99999"})
    assert response.status_code == 400
    assert not ReportRun.objects.exists()


def test_specialty_text_is_escaped(quac_member, report_data):
    case = report_data.cases["c6"]
    # No service changes a submitted case's specialty: written directly here, the
    # summary table is refreshed as a service moving the case to another key would.
    moved_from = summary_keys(case_ids=[case.pk])
    case.specialty = "<script>alert(1)</script>"
    case.save(update_fields=["specialty"])
    summary_refresh(case_ids=[case.pk], keys=moved_from)
    html = client_for(quac_member).get(URL, RANGE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_without_percentile_cont_the_page_still_shows_the_medians(
    quac_member, report_data, monkeypatch
):
    # What the embedded SQLite database gives: no percentile_cont, so the medians and
    # 90th percentiles are computed in Python from the same review times (issue 19).
    monkeypatch.setattr("reports.selectors.percentiles_available", lambda: False)
    html = client_for(quac_member).get(URL, RANGE).content.decode()
    assert "not available on SQLite" not in html
    assert "42.0" in html  # the mean from the database
    # Every figure equal to PostgreSQL's: tests/reports/test_percentiles.py.


def test_a_long_missed_list_is_cut_on_the_page_but_whole_in_the_csv(
    quac_member, report_data, monkeypatch
):
    monkeypatch.setattr("reports.services.MISSED_SHOWN", 2)
    client = client_for(quac_member)
    html = client.get(URL, RANGE).content.decode()
    # 7 late clocks (c1, c3, c4 twice, c5, c6 twice): c1's and c3's shown, 5 more.
    assert "5 more rows, by due time, in the CSV download." in html
    assert report_data.cases["c1"].member.internal_id in html  # earliest due first
    assert report_data.cases["c3"].member.internal_id in html
    assert report_data.cases["c6"].member.internal_id not in html  # due last
    body = client.get(reverse("reports:csv"), RANGE).content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        missed = archive.read("missed_clocks.csv").decode("utf-8-sig")
    assert report_data.cases["c6"].member.internal_id in missed
