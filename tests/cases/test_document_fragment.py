"""The documents fragment the case page includes: versions, links and an accessible form."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from cases.models import DocumentKind
from cases.selectors.documents import case_documents_context
from cases.services.documents import document_supersede, document_upload
from tests.support.cases import open_case
from tests.support.factories import ROSALIND, MemberFactory
from tests.support.files import pdf_bytes, upload, use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


def _render(case, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "cases/documents/_case_documents.html", case_documents_context(case=case), request=request
    )


def test_it_lists_current_versions_with_their_history_and_phi_warnings(coordinator):
    case = open_case(coordinator, member=MemberFactory(**ROSALIND))
    old = document_upload(
        case=case,
        kind=DocumentKind.CLINICAL_DATA,
        uploaded_file=upload("v1.pdf", pdf_bytes(["Rosalind Quintero"])),
        actor=coordinator,
    )
    new = document_supersede(
        document=old, uploaded_file=upload("v2.pdf", pdf_bytes(["clean"])), actor=coordinator
    )
    html = _render(case, coordinator)

    assert html.count("Clinical data 1") >= 1
    assert "version 2" in html
    assert "Earlier versions (1)" in html
    assert f"/cases/{case.pk}/documents/{old.pk}/download/" in html
    assert f"/cases/{case.pk}/documents/{new.pk}/download/" in html
    assert f"/cases/{case.pk}/packet.pdf" in html
    # Every control of the upload form has a label.
    for control in ("document-kind", "document-file", "document-title"):
        assert f'<label for="{control}">' in html
    assert f'<label for="supersede-file-{new.pk}">' in html


def test_read_only_roles_see_no_upload_form(administrator, coordinator):
    case = open_case(coordinator, member=MemberFactory(**ROSALIND))
    html = _render(case, administrator)
    assert "Upload a document" not in html
    assert "packet.pdf" in html  # the administrator may read PHI
