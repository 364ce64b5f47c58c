"""Uploaded PDFs lose their active content in the packet, and the document says what
was removed (R-SEC-4, issue 16 finding 5)."""

import hashlib
import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from cases.models import CaseEvent, DocumentKind
from cases.packet import packet_render
from cases.services.documents import document_upload
from cases.storage import documents_storage
from tests.support.cases import open_case
from tests.support.files import pdf_bytes, upload, use_private_storage

pytestmark = pytest.mark.django_db

SCRIPT = "app.alert('hostile open action');"
EMBEDDED = b"EMBEDDED-CANARY payload"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _js(code: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def hostile_pdf() -> bytes:
    """Two pages of text with a JavaScript open action, document JavaScript, an embedded
    file, two URI links, a FileAttachment annotation and page additional actions."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Clinical note", "Labs"]))))
    writer._root_object[NameObject("/OpenAction")] = _js(SCRIPT)
    writer.add_attachment("notes.txt", EMBEDDED)
    tree = ArrayObject(
        [TextStringObject("init"), writer._add_object(_js("app.launchURL('http://127.0.0.1:9/');"))]
    )
    names = writer._root_object["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject({NameObject("/Names"): tree})
    for page_number in (0, 1):
        writer.add_annotation(
            page_number=page_number,
            annotation=Link(rect=(50, 50, 200, 80), url="http://127.0.0.1:9/track"),
        )
    attachment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 30, 30)]),
        }
    )
    writer.add_annotation(page_number=0, annotation=attachment)
    writer.pages[1][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js(SCRIPT)})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def uploaded(coordinator):
    case = open_case(coordinator)
    data = hostile_pdf()
    document = document_upload(
        case=case,
        kind=DocumentKind.CLINICAL_DATA,
        uploaded_file=upload("scan.pdf", data),
        actor=coordinator,
    )
    return case, document, data


def test_the_document_records_what_the_packet_removes(uploaded):
    case, document, _ = uploaded
    assert document.sanitized_removed == [
        "JavaScript open action",
        "document JavaScript",
        "embedded files",
        "2 URI links",
        "file attachment",
        "page additional actions",
    ]
    event = CaseEvent.objects.get(case=case, kind="document_sanitized")
    assert event.summary.startswith(f"Sanitized {document.title} for the packet: removed ")
    assert "JavaScript open action" in event.summary and "2 URI links" in event.summary
    assert event.data["removed"] == document.sanitized_removed


def test_the_packet_has_no_active_content_and_keeps_the_pages(uploaded):
    case, _, _ = uploaded
    pdf = packet_render(case=case)
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"].get_object()
    assert "/OpenAction" not in root and "/AA" not in root
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
    for page in reader.pages:
        assert "/AA" not in page
        for annotation in (a.get_object() for a in page.get("/Annots") or []):
            assert annotation.get("/Subtype") != "/FileAttachment"
            action = annotation.get("/A")
            assert action is None or action.get_object().get("/S") != "/URI"
            assert "/AA" not in annotation
    assert EMBEDDED not in pdf
    assert b"/JavaScript" not in pdf and b"app.alert" not in pdf
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Clinical note" in text and "Labs" in text


def test_the_stored_file_is_kept_as_uploaded(uploaded):
    _, document, data = uploaded
    with documents_storage().open(document.storage_name, "rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256 == hashlib.sha256(data).hexdigest()


def test_a_plain_pdf_records_nothing(coordinator):
    case = open_case(coordinator)
    document = document_upload(
        case=case,
        kind=DocumentKind.CLINICAL_DATA,
        uploaded_file=upload("note.pdf", pdf_bytes(["Plain note"])),
        actor=coordinator,
    )
    assert document.sanitized_removed == []
    assert not CaseEvent.objects.filter(case=case, kind="document_sanitized").exists()
