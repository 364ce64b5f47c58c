"""How long a member letter and a 100-page TAR bundle take to build.

    .venv/bin/python bench/letters_bench.py [--runs 3]

Builds a throwaway test database (SQLite in memory with the default settings, or a
test_… database on the server DATABASE_URL names) and a case with a signed
determination, then times:

- the member letter as staff preview it: render from the template, WeasyPrint, text
  read back from the PDF and every pre-send check (cases.letters.letter_render);
- the TAR bundle for a case whose documents come to about 100 pages (a 50-page scan, a
  45-page text PDF, the reviewer's determination, both letters): summary PDF, zip, hand
  over to the directory seam (cases.closure.tar_bundle_build).

Nothing is left behind.
"""

import argparse
import io
import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from pypdf import PdfReader

    from bench.scratch import decided_case, notify_and_resolve, report, scratch_environment

    letter_times: list[float] = []
    bundle_times: list[float] = []
    with scratch_environment() as folder:
        from bench.packet_bench import scanned_pdf
        from cases.models import DocumentKind, TarBundle
        from cases.services.closure import tar_bundle_build
        from cases.services.documents import document_upload
        from cases.services.letters import letter_render
        from tests.support.cases import frozen
        from tests.support.files import pdf_bytes, upload

        with decided_case(folder) as (case, coordinator, cmo):
            with frozen():
                for _ in range(args.runs):
                    started = time.perf_counter()
                    rendered = letter_render(case=case, party="member")
                    letter_times.append(time.perf_counter() - started)
                letter_pages, letter_kb = rendered.page_count, len(rendered.pdf) / 1024
                for kind, name, data in (
                    (DocumentKind.MEDICAL_HISTORY, "scan.pdf", scanned_pdf(50)),
                    (
                        DocumentKind.CLINICAL_DATA,
                        "notes.pdf",
                        pdf_bytes([f"Clinical note page {n}" for n in range(1, 46)]),
                    ),
                ):
                    document_upload(
                        case=case, kind=kind, uploaded_file=upload(name, data), actor=coordinator
                    )
                notify_and_resolve(case, coordinator, cmo)
            for _ in range(args.runs):
                started = time.perf_counter()
                bundle = tar_bundle_build(case=case, actor=coordinator)
                bundle_times.append(time.perf_counter() - started)
            bundle = TarBundle.objects.get(pk=bundle.pk)
            with zipfile.ZipFile(bundle.handed_off_to) as archive:
                pages = sum(
                    len(PdfReader(io.BytesIO(archive.read(name))).pages)
                    for name in archive.namelist()
                    if name.endswith(".pdf")
                )

    print(f"member letter: {letter_pages} pages, {letter_kb:.0f} KB")
    report("  render + read back + pre-send checks", letter_times)
    print(
        f"TAR bundle: {pages} PDF pages in all ({bundle.summary_pages}-page summary), "
        f"{bundle.size / 1024:.0f} KB zip"
    )
    report("  build (summary PDF, zip, hand-off)", bundle_times)


if __name__ == "__main__":
    main()
