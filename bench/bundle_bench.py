"""How long the TAR bundle of a case with 50 documents takes to build (issue 20: ≤ 5 s).

    .venv/bin/python bench/bundle_bench.py [--runs 3] [--documents 50]

Builds a throwaway test database (SQLite in memory with the default settings, or a
test_… database on the server DATABASE_URL names) and a resolved case, walked through
the real services, whose referral file holds --documents documents of every accepted
kind: text PDFs of one to four pages, two-page scans, TIFF faxes, plain-text notes and
Word files. Then times cases.services.closure.tar_bundle_build (summary PDF, every
current document, the letters, manifest, zip, hand-off to the directory seam). Nothing
is left behind.
"""

import argparse
import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr.settings.base")


def documents(count: int) -> list[tuple[str, str, bytes]]:
    """`count` synthetic documents, (kind, file name, bytes), in a realistic mix."""
    from bench.packet_bench import scanned_pdf
    from cases.models import DocumentKind
    from tests.support.files import docx_bytes, image_bytes, pdf_bytes

    kinds = [DocumentKind.MEDICAL_HISTORY, DocumentKind.CLINICAL_DATA, DocumentKind.OTHER]
    made = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        shape = number % 10
        if shape == 0:
            made.append((kind, f"scan-{number}.pdf", scanned_pdf(2)))
        elif shape == 1:
            made.append((kind, f"fax-{number}.tif", image_bytes("TIFF", (1275, 1650), 1)))
        elif shape == 2:
            made.append((kind, f"note-{number}.txt", b"Telephone note. Plan unchanged.\n" * 40))
        elif shape == 3:
            made.append((kind, f"letter-{number}.docx", docx_bytes(f"Letter {number}")))
        else:
            pages = [f"Clinical note {number}, page {p}" for p in range(1, 1 + shape % 4 + 1)]
            made.append((kind, f"notes-{number}.pdf", pdf_bytes(pages)))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--documents", type=int, default=50)
    args = parser.parse_args()

    from bench.scratch import decided_case, notify_and_resolve, report, scratch_environment

    times: list[float] = []
    with scratch_environment() as folder:
        from cases.models import Case, TarBundle
        from cases.services.closure import tar_bundle_build
        from cases.services.documents import document_upload
        from tests.support.cases import frozen
        from tests.support.files import upload

        with decided_case(folder) as (case, coordinator, cmo):
            with frozen():
                for kind, name, data in documents(args.documents):
                    document_upload(
                        case=case, kind=kind, uploaded_file=upload(name, data), actor=coordinator
                    )
                notify_and_resolve(case, coordinator, cmo)
            for _ in range(args.runs):
                started = time.perf_counter()
                bundle = tar_bundle_build(case=case, actor=coordinator)
                times.append(time.perf_counter() - started)
            bundle = TarBundle.objects.get(pk=bundle.pk)
            with zipfile.ZipFile(bundle.handed_off_to) as archive:
                files = len(archive.namelist())
            on_case = Case.objects.get(pk=case.pk).documents.current().count()

    print(
        f"TAR bundle of a case with {on_case} current documents: {files} files in the zip, "
        f"{bundle.summary_pages}-page summary, {bundle.size / 1024:.0f} KB"
    )
    report("  build (summary PDF, zip, hand-off)", times)


if __name__ == "__main__":
    main()
