"""The de-identified referral packet sent to the IMRO or specialist (R-FILE-3).

One PDF: a cover sheet, an index of the documents with the page each starts on, the
requested services, diagnoses, date response needed and the reviewer's questions, then
each current document behind a divider page. Uploaded PDFs are appended page by page as
they are; images are placed on pages; plain text is set in a monospace font; Word and
Excel files cannot be converted on the server, so their divider says they are sent
separately in their original format.

Every page rendered here names the member only by the internal patient identifier:
staff-typed text is passed through reviewer_text_redact, and the templates are given no member
field but internal_id. Uploaded PDFs keep their pages but lose active content
(JavaScript, open and launch actions, URI links, embedded files: cases.pdf_sanitize,
R-SEC-4); phi_scan warns about their text.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from cases.checklist import referral_file_checklist
from cases.document_content import ACCEPTED_TYPES, GIF, IMAGE_TYPES, OFFICE_TYPES, PDF, TEXT, TIFF
from cases.models import Case, Document, DocumentKind
from cases.pdf_sanitize import page_sanitize
from cases.phi_scan import PACKET_EXCLUDED_KINDS, reviewer_text_redact
from cases.storage import documents_storage
from imr.pdf import pdf_document, pdf_write

# Documents appear in the order of the referral file's items, then in upload order.
_KIND_ORDER = [
    DocumentKind.RELEVANT_INFORMATION,
    DocumentKind.PRACTITIONER_SUBMISSION,
    DocumentKind.MEDICAL_HISTORY,
    DocumentKind.CLINICAL_DATA,
    DocumentKind.PHYSICIAN_CERTIFICATION,
    DocumentKind.PHYSICIAN_RECOMMENDATION,
    DocumentKind.OTHER,
]
_IMAGE_SCHEME = "packet-image"


@dataclass
class _Part:
    number: int
    document: Document
    mode: str  # "pdf", "image", "text" or "office"
    frames: int = 1
    generated_pages: int = 0
    start_page: int = 0
    uploaded_pages: int = 0

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.document.kind).label

    @property
    def type_label(self) -> str:
        return ACCEPTED_TYPES.get(self.document.content_type, ("file", ""))[0]

    @property
    def page_total(self) -> int:
        return self.generated_pages + self.uploaded_pages

    @property
    def frames_or_pages(self) -> int:
        """Pages of the document itself, after its divider (known before rendering)."""
        if self.mode == "pdf":
            return self.uploaded_pages
        return self.frames if self.mode == "image" else 0


def packet_render(*, case: Case) -> bytes:
    """The packet PDF for the case's current documents (R-FILE-3). Reads, never writes."""
    case = (
        Case.objects.select_related("member", "treating_practitioner")
        .prefetch_related("services", "diagnoses", "questions", "circumstances")
        .get(pk=case.pk)
    )
    parts = _parts(case)
    storage = documents_storage()
    uploaded = {}
    for part in parts:
        if part.mode == "pdf":
            with storage.open(part.document.storage_name, "rb") as handle:
                uploaded[part.number] = PdfReader(io.BytesIO(handle.read()))
            part.uploaded_pages = len(uploaded[part.number].pages)

    body_pdf, body_ranges = _render_body(case, parts)
    for part in parts:
        start, end = body_ranges[part.number]
        part.generated_pages = end - start

    context = _front_context(case)
    front_pdf = _render_front(case, parts, context)

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(front_pdf)).pages:
        writer.add_page(page)
    body_pages = PdfReader(io.BytesIO(body_pdf)).pages if body_pdf else []
    for part in parts:
        start, end = body_ranges[part.number]
        writer.add_outline_item(title=part.title, page_number=len(writer.pages))
        for index in range(start, end):
            writer.add_page(body_pages[index])
        if part.mode == "pdf":
            for page in uploaded[part.number].pages:
                page_sanitize(writer.add_page(page))
    writer.add_metadata(
        {
            "/Title": f"IMR referral packet, member {case.member.internal_id}",
            "/Producer": "IMR Desk",
        }
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _parts(case: Case) -> list[_Part]:
    documents = (
        case.documents.current().exclude(kind__in=PACKET_EXCLUDED_KINDS).defer("extracted_text")
    )
    order = {kind: position for position, kind in enumerate(_KIND_ORDER)}
    documents = sorted(
        documents, key=lambda d: (order.get(d.kind, len(order)), d.uploaded_at, d.pk)
    )
    parts = []
    for number, document in enumerate(documents, start=1):
        if document.content_type == PDF:
            mode = "pdf"
        elif document.content_type in IMAGE_TYPES:
            mode = "image"
        elif document.content_type == TEXT:
            mode = "text"
        else:
            mode = "office"
        frames = (document.page_count or 1) if document.content_type == TIFF else 1
        parts.append(_Part(number=number, document=document, mode=mode, frames=frames))
    return parts


def _render_body(case: Case, parts: list[_Part]) -> tuple[bytes, dict[int, tuple[int, int]]]:
    """Dividers and rendered documents in one WeasyPrint pass, and each part's page range."""
    if not parts:
        return b"", {}
    storage = documents_storage()
    texts: dict[int, str] = {}
    images: dict[str, tuple[bytes, str]] = {}
    for part in parts:
        if part.mode not in ("text", "image"):
            continue
        with storage.open(part.document.storage_name, "rb") as handle:
            data = handle.read()
        if part.mode == "text":
            texts[part.number] = data.decode("utf-8-sig", errors="replace")
        else:
            images.update(_image_sources(part, data))
    html = render_to_string(
        "cases/packet/body.html",
        {
            "internal_id": case.member.internal_id,
            "case_pk": case.pk,
            "parts": [
                {
                    "part": part,
                    "text": texts.get(part.number),
                    "image_urls": [f"{_IMAGE_SCHEME}:{part.number}/{i}" for i in range(part.frames)]
                    if part.mode == "image"
                    else [],
                    "office": part.document.content_type in OFFICE_TYPES,
                }
                for part in parts
            ],
        },
    )
    rendered = pdf_document(html, images=images)
    starts: dict[int, int] = {}
    for index, page in enumerate(rendered.pages):
        for anchor in page.anchors:
            if anchor.startswith("part-"):
                starts.setdefault(int(anchor.removeprefix("part-")), index)
    numbers = [part.number for part in parts]
    ranges = {}
    for position, number in enumerate(numbers):
        end = starts[numbers[position + 1]] if position + 1 < len(numbers) else len(rendered.pages)
        ranges[number] = (starts[number], end)
    return pdf_write(rendered), ranges


def _image_sources(part: _Part, data: bytes) -> dict[str, tuple[bytes, str]]:
    content_type = part.document.content_type
    if content_type not in (TIFF, GIF):
        return {f"{_IMAGE_SCHEME}:{part.number}/0": (data, content_type)}
    # TIFF (often a multi-page fax) and GIF: each frame as a PNG the renderer can place.
    sources = {}
    with Image.open(io.BytesIO(data)) as image:
        for frame in range(part.frames):
            image.seek(frame)
            converted = image.convert("RGB" if image.mode not in ("1", "L") else image.mode)
            buffer = io.BytesIO()
            converted.save(buffer, format="PNG")
            sources[f"{_IMAGE_SCHEME}:{part.number}/{frame}"] = (buffer.getvalue(), "image/png")
    return sources


def _front_context(case: Case) -> dict[str, object]:
    member = case.member

    def clean(text: str) -> str:
        return reviewer_text_redact(member=member, text=text or "")

    practitioner = case.treating_practitioner
    return {
        "internal_id": member.internal_id,
        "case_pk": case.pk,
        "review_type": case.get_review_type_display(),
        "expedited_criterion": case.get_expedited_criterion_display() if case.is_expedited else "",
        "circumstances": [c.get_circumstance_display() for c in case.circumstances.all()],
        "life_threatening": case.life_threatening,
        "seriously_debilitating": case.seriously_debilitating,
        "experimental_investigational": case.experimental_investigational,
        "specialty": clean(case.specialty),
        "practitioner": {
            "name": clean(practitioner.name),
            "specialty": clean(practitioner.specialty),
        },
        "response_needed_by": case.response_needed_by,
        "services": [
            {
                "system": s.get_code_system_display(),
                "code": s.code,
                "description": clean(s.description),
            }
            for s in case.services.all()
        ],
        "diagnoses": [
            {"code": d.code, "description": clean(d.description)} for d in case.diagnoses.all()
        ],
        "text_items": [
            {"label": label, "text": clean(text)}
            for label, text in (
                ("(d) Information relevant to the service requested", case.relevant_information),
                ("(e) Information submitted by the practitioner", case.practitioner_information),
                ("(f) Pertinent medical history", case.medical_history),
                ("(g) Treatment or clinical data", case.clinical_data),
            )
            if text and text.strip()
        ],
        "questions": [clean(q.text) for q in case.questions.all()],
        "checklist": _checklist(case),
        "generated_at": timezone.localtime(),
    }


def _checklist(case: Case) -> list[dict[str, object]]:
    """The a–i checklist (cases.checklist): labels and yes/no only."""
    return [
        {"letter": item.letter, "label": item.label, "present": item.present}
        for item in referral_file_checklist(case)
    ]


def _render_front(case: Case, parts: list[_Part], context: dict[str, object]) -> bytes:
    """Cover, index and questions. Rendered until the index's page numbers are stable:
    the index's own length decides where the first document starts."""
    front_pages = 1
    for _ in range(4):
        _number_parts(parts, first_page=front_pages + 1)
        html = render_to_string("cases/packet/front.html", {**context, "parts": parts})
        rendered = pdf_document(html)
        if len(rendered.pages) == front_pages:
            break
        front_pages = len(rendered.pages)
    return pdf_write(rendered)


def _number_parts(parts: Iterable[_Part], *, first_page: int) -> None:
    page = first_page
    for part in parts:
        part.start_page = page
        page += part.page_total
