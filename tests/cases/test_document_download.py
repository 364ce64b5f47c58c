"""Downloads of documents and the packet: permission-checked and logged (R-FILE-4, R-TRK-8)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AccessLog, DocumentKind
from cases.services.documents import document_upload
from tests.support.cases import open_case
from tests.support.factories import ROSALIND, MemberFactory
from tests.support.files import pdf_bytes, upload, use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

DENIED = ["quac_member", "reviewer", "outsider"]


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def case(coordinator):
    return open_case(coordinator, member=MemberFactory(**ROSALIND))


@pytest.fixture
def document(case, coordinator):
    return document_upload(
        case=case,
        kind=DocumentKind.CLINICAL_DATA,
        uploaded_file=upload("Rosalind Quintero labs.pdf", pdf_bytes(["lab page"])),
        actor=coordinator,
    )


def _download_url(document):
    return reverse("cases_documents:download", args=[document.case_id, document.pk])


def test_a_coordinator_downloads_under_the_neutral_title(coordinator, document):
    response = client_for(coordinator).get(_download_url(document))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Clinical data 1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes(["lab page"])


def test_a_permitted_download_is_logged(coordinator, document):
    client_for(coordinator).get(_download_url(document), REMOTE_ADDR="10.1.2.3")

    log = AccessLog.objects.get()
    assert log.user == coordinator
    assert log.action == AccessLog.Action.DOWNLOAD_DOCUMENT
    assert log.case == document.case
    assert log.document == document
    assert log.ip_address == "10.1.2.3"


def test_the_administrator_may_download_and_is_logged(administrator, document):
    assert client_for(administrator).get(_download_url(document)).status_code == 200
    assert AccessLog.objects.filter(user=administrator).count() == 1


@pytest.mark.parametrize("persona", DENIED)
def test_roles_without_phi_access_get_403_on_documents(request, document, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(_download_url(document))
    assert response.status_code == 403
    assert AccessLog.objects.count() == 0


def test_a_document_is_only_reachable_through_its_own_case(coordinator, document):
    other = open_case(coordinator, member=MemberFactory(**ROSALIND), tar_number="TAR-0002")
    url = reverse("cases_documents:download", args=[other.pk, document.pk])
    assert client_for(coordinator).get(url).status_code == 404
    assert AccessLog.objects.count() == 0


def test_a_superseded_version_stays_downloadable(coordinator, case, document):
    from cases.services.documents import document_supersede

    document_supersede(
        document=document, uploaded_file=upload("v2.pdf", pdf_bytes(["v2"])), actor=coordinator
    )
    response = client_for(coordinator).get(_download_url(document))
    assert b"".join(response.streaming_content) == pdf_bytes(["lab page"])


def test_the_packet_downloads_and_is_logged(coordinator, case, document):
    url = reverse("cases_documents:packet", args=[case.pk])
    response = client_for(coordinator).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert case.member.internal_id in response["Content-Disposition"]
    assert "Quintero" not in response["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 3
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.case, log.document) == (
        coordinator,
        AccessLog.Action.DOWNLOAD_PACKET,
        case,
        None,
    )


@pytest.mark.parametrize("persona", DENIED)
def test_roles_without_phi_access_get_403_on_the_packet(request, case, document, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("cases_documents:packet", args=[case.pk]))
    assert response.status_code == 403
    assert AccessLog.objects.count() == 0


def test_the_stored_file_is_not_under_the_web_root(settings, storage_root, document):
    from pathlib import Path

    stored = storage_root / document.storage_name
    assert stored.exists()
    assert not stored.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert settings.STORAGES["documents"]["OPTIONS"]["base_url"] is None
