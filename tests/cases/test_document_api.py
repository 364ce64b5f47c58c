"""The documents REST API under /api/v1/: same rules and permissions as the pages (R-API-1)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AccessLog, Document, DocumentKind
from tests.support.cases import open_case
from tests.support.factories import ROSALIND, MemberFactory
from tests.support.files import pdf_bytes, stored_files, upload, use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def case(coordinator):
    return open_case(coordinator, member=MemberFactory(**ROSALIND))


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _post(client, case, name="labs.pdf", data=None, kind=DocumentKind.CLINICAL_DATA):
    return client.post(
        reverse("api-case-documents", args=[case.pk]),
        {"kind": kind, "file": upload(name, data if data is not None else pdf_bytes(["x"]))},
        format="multipart",
    )


def test_upload_list_versions_and_download(coordinator, case):
    client = api_for(coordinator)
    created = _post(client, case)
    assert created.status_code == 201, created.content
    first = created.json()
    assert first["title"] == "Clinical data 1"
    assert first["is_current"] is True

    replaced = client.post(
        reverse("api-document-versions", args=[case.pk, first["id"]]),
        {"file": upload("v2.pdf", pdf_bytes(["v2"]))},
        format="multipart",
    )
    assert replaced.status_code == 201
    second = replaced.json()
    assert second["supersedes"] == first["id"]

    listed = client.get(reverse("api-case-documents", args=[case.pk])).json()
    assert [d["id"] for d in listed["results"]] == [second["id"]]

    versions = client.get(reverse("api-document-versions", args=[case.pk, first["id"]])).json()
    assert [(v["id"], v["is_current"]) for v in versions] == [
        (second["id"], True),
        (first["id"], False),
    ]

    download = client.get(second["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes(["v2"])
    assert (
        AccessLog.objects.filter(action="download_document", document_id=second["id"]).count() == 1
    )


def test_a_spoofed_file_is_refused_with_the_reason(coordinator, case, storage_root):
    response = _post(api_for(coordinator), case, data=b"<html><script>alert(1)</script></html>")
    assert response.status_code == 400
    assert "HTML" in response.json()["errors"]["file"][0]
    assert not Document.objects.exists()
    assert stored_files(storage_root) == []


def test_an_unknown_kind_is_refused(coordinator, case):
    response = _post(api_for(coordinator), case, kind="selfie")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["quac_member", "reviewer", "outsider"])
def test_roles_without_phi_access_get_403_everywhere(request, coordinator, case, persona):
    document = Document.objects.get(pk=_post(api_for(coordinator), case).json()["id"])
    client = api_for(request.getfixturevalue(persona))
    urls = [
        reverse("api-case-documents", args=[case.pk]),
        reverse("api-document-versions", args=[case.pk, document.pk]),
        reverse("api-document-download", args=[case.pk, document.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert _post(client, case).status_code == 403
    assert Document.objects.count() == 1
    assert AccessLog.objects.count() == 0


def test_the_administrator_reads_but_cannot_upload(administrator, case):
    client = api_for(administrator)
    assert client.get(reverse("api-case-documents", args=[case.pk])).status_code == 200
    assert _post(client, case).status_code == 403


def test_anonymous_callers_get_403_not_a_login_page(case):
    response = APIClient().get(reverse("api-case-documents", args=[case.pk]))
    assert response.status_code in (401, 403)


def test_a_document_of_another_case_is_404(coordinator, case):
    document_id = _post(api_for(coordinator), case).json()["id"]
    other = open_case(coordinator, member=MemberFactory(**ROSALIND), tar_number="TAR-0002")
    url = reverse("api-document-download", args=[other.pk, document_id])
    assert api_for(coordinator).get(url).status_code == 404
