"""A first document filed at intake (issue 19): filed with the case in one change, and a
refused file opens no case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, Document, DocumentKind
from tests.cases.test_case_intake_atomic import RECORDED, _form, _row_counts
from tests.support.files import pdf_bytes, stored_files, upload, use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


def _with_document(file, **fields) -> dict:
    return {
        **_form(RECORDED),
        "document-kind": DocumentKind.PHYSICIAN_RECOMMENDATION,
        "document-file": file,
        **{f"document-{name}": value for name, value in fields.items()},
    }


def test_the_intake_page_offers_an_optional_first_document(coordinator):
    html = client_for(coordinator).get(reverse("cases:intake")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="document-file"' in html and "A first document (optional)" in html


def test_a_document_filed_at_intake_is_on_the_new_case(coordinator, storage):
    response = client_for(coordinator).post(
        reverse("cases:intake"),
        _with_document(
            upload("recommendation.pdf", pdf_bytes(["The physician recommends the infusion."])),
            author_name="Dr. Fake Prac",
            author_npi="1234567893",
        ),
    )
    case = Case.objects.get(tar_number="TAR-SEC-3")
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/")
    document = Document.objects.get(case=case)
    assert document.kind == DocumentKind.PHYSICIAN_RECOMMENDATION
    assert (document.author_name, document.author_npi) == ("Dr. Fake Prac", "1234567893")
    assert document.uploaded_by == coordinator
    assert len(stored_files(storage)) == 1


def test_a_refused_document_opens_no_case(coordinator, storage):
    client = client_for(coordinator)  # signed in once: no session or sign-in row below
    before = _row_counts()
    response = client.post(
        reverse("cases:intake"),
        _with_document(SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")),
    )
    assert response.status_code == 200
    assert "The file is empty." in response.content.decode()
    after = _row_counts()
    assert {label: n for label, n in after.items() if before[label] != n} == {}
    assert stored_files(storage) == []


def test_without_a_file_the_case_opens_alone(coordinator, storage):
    response = client_for(coordinator).post(reverse("cases:intake"), _form(RECORDED))
    assert response.status_code == 302
    assert not Document.objects.filter(case__tar_number="TAR-SEC-3").exists()
