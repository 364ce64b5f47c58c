"""The UM 5 and CMS-0057-F sections reach every form of the report (R-RPT-3, R-RPT-4):
the page, the CSV zip, the PDF and the API, from one walked case.

The case: standard pre-service, received Mon 2026-06-01 09:00 PDT, the file at the IMRO
Tue 10:00, signed (deny) Fri 06-05 10:00 and the member notified 11:00, inside its 14
calendar days: 1 decision of 1 on time (100.0 %), 1 notice of 1; decided 1, denied 100.0 %,
time to decision 4 days 1 hour = 97.0 hours.
"""

import csv
import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from tests.support.cases import approve, notify, open_case, receive_review, sign, submit
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

PDT = ZoneInfo("America/Los_Angeles")
RANGE = {"date_from": "2026-06-01", "date_to": "2026-06-30"}


@pytest.fixture
def walked(coordinator, cmo):
    with time_machine.travel(datetime(2026, 6, 1, 9, 5, tzinfo=PDT), tick=False):
        case = open_case(coordinator)
    case = receive_review(submit(approve(case, cmo)))
    with time_machine.travel(datetime(2026, 6, 5, 10, tzinfo=PDT), tick=False):
        case = sign(case, cmo)
    with time_machine.travel(datetime(2026, 6, 5, 11, tzinfo=PDT), tick=False):
        return notify(case)


def get(user, name: str):
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=PDT), tick=False):
        return client_for(user).get(reverse(name), RANGE)


def test_the_page_shows_both_sections_with_their_methodology(quac_member, walked):
    html = get(quac_member, "reports:report").content.decode()
    assert "UM 5 timeliness by decision type" in html
    assert "Decision metrics in the CMS-0057-F public-reporting shape" in html
    assert "counts as denied" in html  # the methodology beside the numbers


def test_the_zip_has_a_csv_per_new_table(quac_member, walked):
    archive = zipfile.ZipFile(io.BytesIO(get(quac_member, "reports:csv").content))
    text = archive.read("um5_timeliness.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["Standard", "Decision", "1", "1", "0", "100.0", "yes"]
    assert "um5_by_month.csv" in archive.namelist()
    cms = list(
        csv.reader(io.StringIO(archive.read("cms_decision_metrics.csv").decode("utf-8-sig")))
    )
    assert cms[1][:4] == ["Standard", "1", "0.0", "100.0"]
    assert cms[1][-2:] == ["97.0", "97.0"]


def test_the_pdf_prints_them(quac_member, walked):
    reader = PdfReader(io.BytesIO(get(quac_member, "reports:pdf").content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "UM 5 timeliness" in text
    assert "CMS-0057-F" in text


def test_the_api_returns_them(quac_member, walked):
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=PDT), tick=False):
        body = client_for(quac_member).get(reverse("reports-quac"), RANGE).json()
    standard = body["tables"]["um5_timeliness"]["rows"][1]
    assert standard["measure"] == "Written notice"
    assert (standard["measured"], standard["on_time"], standard["on_time_share"]) == (1, 1, 100.0)
    cms = body["tables"]["cms_decision_metrics"]["rows"][0]
    assert (cms["decided"], cms["denied_share"], cms["median_hours"]) == (1, 100.0, 97.0)
