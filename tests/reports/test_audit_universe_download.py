"""Who may download the audit universe (R-RPT-5), and what the download is.

The file carries case identifiers (TAR number, internal patient identifier): the CMO and
Administrators (reports and PHI access) get it; QUAC, whose reports are de-identified,
UM staff without the reports capability and reviewers get 403.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.support.cases import TAR_NUMBER, open_case
from tests.support.factories import MEMBER_CIN, MEMBER_LAST
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

PDT = ZoneInfo("America/Los_Angeles")
URL = reverse("reports:universe")
RANGE = {"date_from": "2026-06-01", "date_to": "2026-06-30"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 7, 2, 9, tzinfo=PDT), tick=False):
        yield


@pytest.mark.parametrize("persona", ["cmo", "administrator"])
def test_the_cmo_and_administrators_download_it(request, persona, coordinator):
    case = open_case(coordinator)
    response = client_for(request.getfixturevalue(persona)).get(URL, RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="audit-universe-20260601-20260630.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    assert f"\r\n{case.pk},{TAR_NUMBER},{case.member.internal_id},standard," in text
    assert MEMBER_LAST not in text and MEMBER_CIN not in text


@pytest.mark.parametrize("persona", ["coordinator", "quac_member", "reviewer", "outsider"])
def test_others_are_refused(request, persona):
    response = client_for(request.getfixturevalue(persona)).get(URL, RANGE)
    assert response.status_code == 403


def test_the_reports_page_offers_it_to_the_cmo_only_among_readers(cmo, quac_member):
    page = reverse("reports:report")
    assert URL in client_for(cmo).get(page).content.decode()
    assert URL not in client_for(quac_member).get(page).content.decode()


def test_a_missing_or_reversed_range_is_a_400_naming_it(cmo):
    assert client_for(cmo).get(URL).status_code == 400
    response = client_for(cmo).get(URL, {"date_from": "2026-06-30", "date_to": "2026-06-01"})
    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()
