"""The reviewer packet: one de-identified PDF (R-FILE-3)."""

import io
import re

import pytest
from pypdf import PdfReader

from cases.models import DocumentKind
from cases.packet import packet_render
from cases.phi_scan import phi_kinds_in_text
from cases.services import ServiceLine
from cases.services.documents import document_supersede, document_upload
from tests.support.cases import open_case
from tests.support.factories import ROSALIND, MemberFactory
from tests.support.files import docx_bytes, image_bytes, pdf_bytes, upload, use_private_storage

pytestmark = pytest.mark.django_db

NAME_FORMS = ["Rosalind Quintero", "Quintero, Rosalind", "ROSALIND QUINTERO"]
DOB_FORMS = ["01/02/1960", "1/2/1960", "1960-01-02", "January 2, 1960"]
CIN = "91234567A"
UPLOADED = ["UPLOADED PAGE 1 Rosalind Quintero CIN 91234567A", "UPLOADED PAGE 2 DOB 01/02/1960"]


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def case(coordinator):
    return open_case(
        coordinator,
        member=MemberFactory(**ROSALIND),
        services=[ServiceLine("78815", "PET imaging, skull base to thigh")],
        diagnosis_codes=["C34.11"],
        questions=[
            "Is PET imaging medically necessary for this member?",
            "Is the service experimental?",
        ],
        # Staff typed PHI into the case's own text: the packet must not print it.
        medical_history="Rosalind Quintero (CIN 91234567A, born January 2, 1960) has had ...",
        relevant_information="Lives at 742 Evergreen Terrace; requests PET scan.",
    )


def _add(case, user, name, data, kind=DocumentKind.CLINICAL_DATA):
    return document_upload(case=case, kind=kind, uploaded_file=upload(name, data), actor=user)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_generated_pages_name_the_member_only_by_internal_identifier(case, coordinator):
    uploaded = _add(case, coordinator, "Rosalind Quintero labs.pdf", pdf_bytes(UPLOADED))
    _add(
        case, coordinator, "photo of Rosalind.png", image_bytes("PNG"), DocumentKind.MEDICAL_HISTORY
    )
    _add(case, coordinator, "letter.docx", docx_bytes("text"), DocumentKind.PRACTITIONER_SUBMISSION)

    pages = _pages(packet_render(case=case))
    generated = [text for text in pages if "UPLOADED PAGE" not in text]
    internal_id = case.member.internal_id

    assert len(pages) == len(generated) + 2
    assert internal_id in pages[0]
    for text in generated:
        assert internal_id in text
        assert phi_kinds_in_text(member=case.member, text=text) == []
        flat = " ".join(text.split()).lower()
        for value in [*NAME_FORMS, *DOB_FORMS, CIN, "Quintero", "Rosalind", "Evergreen"]:
            assert value.lower() not in flat
        assert uploaded.original_name.lower() not in flat
    assert "[redacted]" in " ".join(generated)


def test_uploaded_pdf_pages_are_included_as_they_are(case, coordinator):
    _add(case, coordinator, "labs.pdf", pdf_bytes(UPLOADED))
    original = PdfReader(io.BytesIO(pdf_bytes(UPLOADED))).pages

    reader = PdfReader(io.BytesIO(packet_render(case=case)))
    included = [page for page in reader.pages if "UPLOADED PAGE" in (page.extract_text() or "")]

    assert [page.extract_text() for page in included] == [page.extract_text() for page in original]
    assert [page.get_contents().get_data() for page in included] == [
        page.get_contents().get_data() for page in original
    ]
    assert [tuple(page.mediabox) for page in included] == [tuple(p.mediabox) for p in original]


def test_the_index_gives_each_documents_starting_page(case, coordinator):
    _add(case, coordinator, "a.pdf", pdf_bytes(["FIRST DOC A", "FIRST DOC B", "FIRST DOC C"]))
    _add(case, coordinator, "b.pdf", pdf_bytes(["SECOND DOC"]), DocumentKind.MEDICAL_HISTORY)

    pages = _pages(packet_render(case=case))
    # Order follows the referral file's items: (f) medical history before (g) clinical data.
    history_divider = next(
        i for i, t in enumerate(pages) if "Medical history 1" in t and "Document 1 of 2" in t
    )
    clinical_divider = next(
        i for i, t in enumerate(pages) if "Clinical data 1" in t and "Document 2 of 2" in t
    )
    assert pages[history_divider + 1].startswith("SECOND DOC")
    assert pages[clinical_divider + 1].startswith("FIRST DOC A")
    index = " ".join(pages[0].split())
    # A one-page document counts 2 pages: the header says the divider is included.
    assert "Pages, with its divider" in index and "Divider on page" in index
    assert re.search(rf"Medical history 1 .*? 2 {history_divider + 1}\b", index), index
    assert re.search(rf"Clinical data 1 .*? 4 {clinical_divider + 1}\b", index), index


def test_it_lists_services_diagnoses_questions_and_date_needed(case, coordinator):
    from datetime import date

    case.response_needed_by = date(2026, 3, 20)
    case.save()
    front = " ".join(" ".join(_pages(packet_render(case=case))).split())
    for expected in [
        "78815",
        "PET imaging, skull base to thigh",
        "C34.11",
        "Malignant neoplasm of upper lobe",
        "Is the service experimental?",
        "March 20, 2026",
        "Questions for the reviewer",
    ]:
        assert expected in front
    assert "Is PET imaging medically necessary for this member?" in front


def test_only_current_documents_sent_to_the_reviewer_are_included(case, coordinator):
    old = _add(case, coordinator, "v1.pdf", pdf_bytes(["OLD VERSION"]))
    document_supersede(
        document=old, uploaded_file=upload("v2.pdf", pdf_bytes(["NEW VERSION"])), actor=coordinator
    )
    _add(
        case,
        coordinator,
        "det.pdf",
        pdf_bytes(["THE DETERMINATION"]),
        DocumentKind.REVIEWER_DETERMINATION,
    )

    text = " ".join(_pages(packet_render(case=case)))
    assert "NEW VERSION" in text
    assert "OLD VERSION" not in text
    assert "THE DETERMINATION" not in text


def test_images_are_placed_on_pages_one_per_frame(case, coordinator):
    _add(case, coordinator, "fax.tif", image_bytes("TIFF", frames=3))
    _add(case, coordinator, "photo.jpg", image_bytes("JPEG"), DocumentKind.OTHER)
    reader = PdfReader(io.BytesIO(packet_render(case=case)))

    def has_image(page) -> bool:
        # WeasyPrint shares one resource dictionary between pages: look at what each draws.
        xobjects = page["/Resources"].get("/XObject", {})
        drawn = re.findall(rb"/(\S+) Do", page.get_contents().get_data())
        return any(xobjects[f"/{n.decode()}"].get_object()["/Subtype"] == "/Image" for n in drawn)

    assert sum(has_image(page) for page in reader.pages) == 4


def test_plain_text_documents_are_rendered_verbatim(case, coordinator):
    note = "Visit note\nPlan: continue therapy.\nFollow-up in 2 weeks."
    _add(case, coordinator, "note.txt", note.encode())
    text = " ".join(_pages(packet_render(case=case)))
    assert "Plan: continue therapy." in text
    assert "Follow-up in 2 weeks." in text


def test_office_files_get_a_page_saying_they_are_sent_separately(case, coordinator):
    _add(case, coordinator, "letter.docx", docx_bytes("x"), DocumentKind.PRACTITIONER_SUBMISSION)
    text = " ".join(" ".join(_pages(packet_render(case=case))).split())
    assert "Practitioner submission 1" in text
    assert "Sent separately in its original format" in text


def test_a_case_without_documents_still_renders(case):
    pages = _pages(packet_render(case=case))
    assert case.member.internal_id in pages[0]
    assert "No documents are attached" in pages[0]
