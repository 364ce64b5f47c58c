"""A QUAC member sees reports only: never a case page, a document or the packet."""

import pytest
from django.urls import reverse

from cases.models import Document
from tests.support.personas import client_for

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_document(report_data):
    case = report_data.cases["c1"]
    return case, Document.objects.filter(case=case).first()


def test_quac_cannot_open_case_pages(quac_member, case_with_document):
    case, _ = case_with_document
    client = client_for(quac_member)
    for name in ("cases:detail", "cases:edit"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 403, name
    assert client.get(reverse("cases:list")).status_code == 403
    assert client.get(reverse("timelines:case_clocks", args=[case.pk])).status_code == 403


def test_quac_cannot_download_documents_or_the_packet(quac_member, case_with_document):
    case, document = case_with_document
    client = client_for(quac_member)
    download = reverse("cases_documents:download", kwargs={"case_pk": case.pk, "pk": document.pk})
    assert client.get(download).status_code == 403
    assert client.get(reverse("cases_documents:packet", args=[case.pk])).status_code == 403


def test_quac_cannot_read_cases_through_the_api(quac_member, case_with_document):
    case, _ = case_with_document
    client = client_for(quac_member)
    assert client.get("/api/v1/cases/").status_code == 403
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 403
