"""How long the reviewer packet takes to render for a case with about 50 pages of documents.

    .venv/bin/python bench/packet_bench.py [--runs 3]

Builds a throwaway test database (SQLite in memory with the default settings, or a
test_… database on the server DATABASE_URL names), a case with a 25-page scanned PDF, a
20-page text PDF, a 3-page TIFF fax, a plain-text note and a Word file, then renders
the packet a few times and prints the times. Nothing is left behind.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")


def scanned_pdf(pages: int) -> bytes:
    """A PDF of page images, like a fax or a scanner's output (150 dpi grayscale)."""
    from PIL import Image, ImageDraw

    images = []
    for number in range(pages):
        image = Image.new("L", (1275, 1650), 255)
        draw = ImageDraw.Draw(image)
        for line in range(60):
            text = f"Scanned progress note, page {number + 1}, line {line + 1}"
            draw.text((100, 120 + line * 24), text, fill=0)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buffer.getvalue()


def build_case():
    """A case whose documents add up to about 50 pages; returns (case, content pages)."""
    from django.contrib.auth import get_user_model

    from cases.models import DocumentKind, ReviewerQuestion
    from cases.services.documents import document_upload
    from tests.support.cases import open_case
    from tests.support.factories import ROSALIND, MemberFactory
    from tests.support.files import docx_bytes, image_bytes, pdf_bytes, upload

    user = get_user_model().objects.create_user("bench", password=None)
    case = open_case(user, member=MemberFactory(**ROSALIND))
    ReviewerQuestion.objects.create(case=case, text="Is the service medically necessary?")
    text_pages = pdf_bytes([f"Clinical note page {n}" for n in range(1, 21)])
    files = [
        (DocumentKind.MEDICAL_HISTORY, "scan.pdf", scanned_pdf(25)),
        (DocumentKind.CLINICAL_DATA, "notes.pdf", text_pages),
        (DocumentKind.CLINICAL_DATA, "fax.tif", image_bytes("TIFF", (1275, 1650), 3)),
        (DocumentKind.OTHER, "note.txt", b"Telephone note. Plan unchanged.\n" * 120),
        (DocumentKind.PRACTITIONER_SUBMISSION, "letter.docx", docx_bytes("Letter")),
    ]
    for kind, name, data in files:
        document_upload(case=case, kind=kind, uploaded_file=upload(name, data), actor=user)
    return case, sum(d.page_count or 0 for d in case.documents.all())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from pypdf import PdfReader

    from bench.scratch import scratch_environment

    with scratch_environment():
        from cases.packet import packet_render

        case, content_pages = build_case()
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            pdf = packet_render(case=case)
            timings.append(time.perf_counter() - started)

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"packet: {pages} pages ({content_pages} pages of PDF and image documents, plus a text "
        f"note, a Word file, dividers, cover and index), {len(pdf) / 1024:.0f} KB"
    )
    print(
        f"render time over {args.runs} runs: median {statistics.median(timings):.2f} s, "
        f"min {min(timings):.2f} s, max {max(timings):.2f} s"
    )


if __name__ == "__main__":
    main()
