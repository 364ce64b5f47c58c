"""The VI.B.5 certification and recommendation record their author, who must be the
case's treating physician; otherwise the submission gate names the mismatch (R-REF-7)."""

import pytest
from django.urls import reverse

from cases.eligibility import eligibility_problems
from cases.models import Document, DocumentKind
from cases.services.documents import document_supersede, document_upload
from imr.errors import Refused
from reviewers.gates import submission_problems
from tests.support.cases import open_case
from tests.support.files import pdf_bytes, upload, use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

TREATING_NAME, TREATING_NPI = "Dr. Testa Synthetic", "1234567893"  # the builder's
CERTIFICATION, RECOMMENDATION = (
    DocumentKind.PHYSICIAN_CERTIFICATION,
    DocumentKind.PHYSICIAN_RECOMMENDATION,
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def anything(name: str):
    return upload(name, pdf_bytes(["Anything at all"]))


def vi_b_5(problems: list[str]) -> list[str]:
    return [p for p in problems if "VI.B.5" in p]


def test_two_pdfs_reading_anything_at_all_with_no_or_another_author_do_not_pass(coordinator):
    case = open_case(coordinator, circumstances=[5])
    assert case.treating_practitioner.npi == TREATING_NPI
    document_upload(
        case=case, kind=CERTIFICATION, uploaded_file=anything("c.pdf"), actor=coordinator
    )
    document_upload(
        case=case,
        kind=RECOMMENDATION,
        uploaded_file=anything("r.pdf"),
        actor=coordinator,
        author_name="Dr. Someone Else",
        author_npi="1245319599",
    )
    problems = vi_b_5(submission_problems(case))
    assert len(problems) == 2, problems
    no_author, other = problems
    assert "records no author" in no_author and TREATING_NAME in no_author
    assert "Dr. Someone Else (NPI 1245319599)" in other
    assert f"not the treating physician {TREATING_NAME} (NPI {TREATING_NPI})" in other
    assert all("R-REF-7" in p for p in problems)


def test_the_treating_physicians_documents_pass_by_npi_or_by_name(coordinator):
    case = open_case(coordinator, circumstances=[5])
    certification = document_upload(
        case=case, kind=CERTIFICATION, uploaded_file=anything("c.pdf"), actor=coordinator
    )
    document_upload(
        case=case,
        kind=RECOMMENDATION,
        uploaded_file=anything("r.pdf"),
        actor=coordinator,
        author_name="dr testa synthetic",  # no NPI given: the name decides
    )
    assert len(vi_b_5(eligibility_problems(case))) == 1
    # A new version names the author; the gate reads the current version.
    document_supersede(
        document=certification,
        uploaded_file=anything("c2.pdf"),
        actor=coordinator,
        author_name="Testa Synthetic, MD",
        author_npi=TREATING_NPI,
    )
    assert vi_b_5(eligibility_problems(case)) == []


def test_a_wrong_npi_fails_even_with_the_same_name(coordinator):
    case = open_case(coordinator, circumstances=[5])
    for kind, name in ((CERTIFICATION, "c.pdf"), (RECOMMENDATION, "r.pdf")):
        document_upload(
            case=case,
            kind=kind,
            uploaded_file=anything(name),
            actor=coordinator,
            author_name=TREATING_NAME,
            author_npi="1245319599",
        )
    assert len(vi_b_5(eligibility_problems(case))) == 2


def test_the_upload_form_records_the_author_and_refuses_a_bad_npi(coordinator):
    case = open_case(coordinator, circumstances=[5])
    client = client_for(coordinator)
    url = reverse("cases_documents:upload", args=[case.pk])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="author_name"' in page and 'name="author_npi"' in page
    client.post(
        url,
        {
            "kind": CERTIFICATION,
            "file": anything("c.pdf"),
            "author_name": TREATING_NAME,
            "author_npi": TREATING_NPI,
        },
    )
    document = Document.objects.get(case=case, kind=CERTIFICATION)
    assert (document.author_name, document.author_npi) == (TREATING_NAME, TREATING_NPI)
    client.post(url, {"kind": RECOMMENDATION, "file": anything("r.pdf"), "author_npi": "12"})
    assert not Document.objects.filter(case=case, kind=RECOMMENDATION).exists()
    with pytest.raises(Refused, match="ten digits"):
        document_upload(
            case=case,
            kind=RECOMMENDATION,
            uploaded_file=anything("r.pdf"),
            actor=coordinator,
            author_npi="12345",
        )
