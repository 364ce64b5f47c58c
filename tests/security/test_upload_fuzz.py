"""Hostile input through HTTP: the upload path and the forms never answer 500.

Uploads: random bytes behind PDF/PNG/ZIP/OLE magic numbers, truncated and malformed
PDFs, zip bombs, images that claim a huge size, and odd file names (path traversal,
unicode, right-to-left overrides, 1,000 characters, NUL bytes). Each upload is either
refused with a message and leaves nothing behind (no Document row, no file in the
store), or accepted and stored under a random name inside the store.

Forms: intake, withdraw, received-at-plan change, contact log and the answer to an
information request, fed by hypothesis, never 500. Counts of cases tried are printed.
"""

import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, Document
from tests.security.scenario import NOW
from tests.security.world import world_fixture
from tests.support.files import (
    docx_bytes,
    image_bytes,
    pdf_bytes,
    png_header_claiming,
    zip_bomb_docx_bytes,
)

world = world_fixture()
pytestmark = pytest.mark.django_db
TRIED = Counter()
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MAGIC = [
    b"%PDF-1.4\n",
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\xff\xd8\xff\xe0",
    b"GIF89a",
    b"II*\x00",
    b"MZ",
    b"#!/bin/sh\n",
    b"<html><script>",
    b"",
]
NAMES = st.one_of(
    st.sampled_from(
        [
            "../../etc/passwd",
            "..\\..\\windows\\system32\\config.pdf",
            "/absolute/path.pdf",
            "report\u202efdp.exe",
            "résumé clinique 😷.pdf",
            "a" * 1000 + ".pdf",
            "nul\x00byte.pdf",
            "   .pdf",
            ".htaccess",
            "CON.pdf",
            "x.pdf/../../y.pdf",
        ]
    ),
    st.text(min_size=0, max_size=300),
)


def _client(world) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coordinator"])
    return client


def _store_root() -> Path:
    from django.conf import settings as django_settings

    return Path(django_settings.STORAGES["documents"]["OPTIONS"]["location"])


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _multipart(fields: dict[str, str], name: str, data: bytes, content_type: str):
    """A multipart body written by hand: the file name goes out exactly as given (the test
    client would reduce it to a base name first, hiding what a hostile client can send)."""
    boundary = "----imrfuzzboundary7MA4YWxkTrZu0gW"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    raw_name = name.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8", "surrogatepass")
    parts.append(
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="file"; filename="'
        + raw_name
        + b'"\r\n'
        + f"Content-Type: {content_type}\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _upload_once(world, data: bytes, name: str, content_type: str = "application/pdf"):
    """Upload through the page; return (response, new documents, new files)."""
    # An open case: uploads to the seeded (resolved) cases are refused for their status.
    case = world.open_case
    root = _store_root()
    files_before, docs_before = _files(root), set(Document.objects.values_list("pk", flat=True))
    body, multipart_type = _multipart({"kind": "clinical_data"}, name, data, content_type)
    with time_machine.travel(NOW, tick=False):
        response = _client(world).post(
            f"/cases/{case.pk}/documents/upload/", body, content_type=multipart_type
        )
    new_docs = Document.objects.exclude(pk__in=docs_before)
    return response, list(new_docs), _files(root) - files_before


def _check(world, data: bytes, name: str, content_type: str = "application/pdf") -> str:
    response, new_docs, new_files = _upload_once(world, data, name, content_type)
    assert response.status_code in (200, 302, 400), response.status_code
    root = _store_root().resolve()
    if not new_docs:
        assert not new_files, f"refused upload left files: {new_files}"
        outcome = "refused"
    else:
        assert len(new_docs) == 1 and len(new_files) == 1
        stored = next(iter(new_files)).resolve()
        assert root in stored.parents, f"stored outside the store: {stored}"
        document = new_docs[0]
        assert "/" not in document.original_name and "\x00" not in document.original_name
        assert len(document.original_name) <= 130
        assert name.split("/")[-1] not in stored.name or len(name) < 3
        outcome = "accepted"
    TRIED[outcome] += 1
    return outcome


@pytest.fixture(scope="module")
def open_world(world, django_db_blocker):
    from tests.support.cases import open_case
    from tests.support.factories import MemberFactory

    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        member = MemberFactory(first_name="Fuzz", last_name="Target", cin="12312312F")
        world.open_case = open_case(world.users["coordinator"], member=member, tar_number="T-F")
    return world


@settings(parent=FUZZ, max_examples=200)
@given(prefix=st.sampled_from(MAGIC), body=st.binary(max_size=4096), name=NAMES)
def test_random_bytes_behind_magic_numbers_never_break_the_upload(open_world, prefix, body, name):
    _check(open_world, prefix + body, name)


def _truncations():
    good = pdf_bytes(["A page of clinical notes", "Second page"])
    cuts = [1, 5, 9, 20, len(good) // 3, len(good) // 2, len(good) - 40, len(good) - 5]
    variants = [good[:cut] for cut in cuts]
    variants += [
        good.replace(b"xref", b"xreF"),
        good.replace(b"/Root 1 0 R", b"/Root 99 0 R"),
        good.replace(b"/Count 2", b"/Count 999999999"),
        good.replace(b"startxref", b"startxref\n-1\n"),
        b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\n" * 50,  # loop
        b"%PDF-1.4\n1 0 obj\n<< /Length 999999999 >>\nstream\n" + b"\0" * 100,
        pdf_bytes(["locked"], encrypted=True),
    ]
    return variants


@pytest.mark.parametrize("index", range(15))
def test_truncated_and_malformed_pdfs_are_refused_or_stored_safely(open_world, index):
    variants = _truncations()
    if index < len(variants):
        _check(open_world, variants[index], f"malformed-{index}.pdf")


def _zip_bomb(expanded_mb: int = 200) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.bin", "w") as part,
    ):
        for _ in range(expanded_mb):
            part.write(b"\0" * (1024 * 1024))
    return buffer.getvalue()


def _nested_zip() -> bytes:
    inner = _zip_bomb(20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(10):
            archive.writestr(f"layer{number}.zip", inner)
    return buffer.getvalue()


BOMBS = {
    "zip-bomb.docx": (zip_bomb_docx_bytes(150), "application/octet-stream"),
    "lying-zip-bomb.docx": (zip_bomb_docx_bytes(150, declared_size=1000), "application/zip"),
    "plain-zip-bomb.zip": (_zip_bomb(), "application/zip"),
    "nested.zip": (_nested_zip(), "application/zip"),
    "huge-claim.png": (png_header_claiming(200_000, 200_000), "image/png"),
    "wide-claim.png": (png_header_claiming(2**31 - 1, 1), "image/png"),
    "many-frames.gif": (image_bytes("GIF", (50, 50), frames=300), "image/gif"),
    "docx-with-macro.docx": (
        docx_bytes(extra={"word/vbaProject.bin": b"\0" * 100}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_and_huge_declared_images_are_refused_cleanly(open_world, name):
    data, content_type = BOMBS[name]
    outcome = _check(open_world, data, name, content_type)
    if "bomb" in name or "claim" in name:
        assert outcome == "refused"


def test_a_file_over_the_size_cap_is_refused_and_nothing_is_written(open_world, settings):
    settings.DOCUMENT_MAX_BYTES = 64 * 1024
    data = pdf_bytes(["big"]) + b"%" + b"0" * (128 * 1024)
    assert _check(open_world, data, "big.pdf") == "refused"


@pytest.mark.parametrize(
    "name", ["../../../../tmp/owned.pdf", "..\\..\\owned.pdf", "nul\x00.pdf", "a" * 200 + ".pdf"]
)
def test_a_valid_pdf_under_a_hostile_name_is_stored_under_a_random_name(open_world, name):
    outcome = _check(open_world, pdf_bytes(["Clinical note"]), name)
    assert outcome == "accepted"
    assert not Path("/tmp/owned.pdf").exists()  # noqa: S108 (the traversal target)


def test_a_name_of_1000_characters_is_refused_by_the_parser_not_with_a_500(open_world):
    # Django's multipart parser caps a part's headers (1 KiB): the file never arrives and
    # the form says so.
    response, new_docs, new_files = _upload_once(open_world, pdf_bytes(["x"]), "a" * 1000 + ".pdf")
    assert response.status_code in (302, 400)
    assert not new_docs and not new_files


# --- forms ------------------------------------------------------------------------------

TEXT = st.text(max_size=400)
ANY = st.one_of(TEXT, st.integers().map(str), st.just(""), st.sampled_from(["2026-06-01T09:00"]))


def _post(world, user: str, path: str, data: dict) -> int:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[user])
    with time_machine.travel(NOW, tick=False):
        status = client.post(path, data).status_code
    TRIED["form"] += 1
    return status


def _clean(data: dict) -> dict:
    # The test client cannot send a NUL inside multipart data any more than a browser can.
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in data.items()}


INTAKE_FIELDS = [
    "first_name",
    "last_name",
    "cin",
    "date_of_birth",
    "address_line1",
    "city",
    "state",
    "postal_code",
    "language",
    "practitioner_name",
    "practitioner_npi",
    "practitioner_email",
    "tar_number",
    "specialty",
    "review_type",
    "received_at_plan",
    "circumstances",
    "services",
    "diagnosis_codes",
    "questions",
    "response_needed_by",
    "expedited_criterion",
]


@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(INTAKE_FIELDS, ANY)))
def test_the_intake_form_never_answers_500(open_world, data):
    before = Case.objects.count()
    status = _post(open_world, "coordinator", "/cases/new/", _clean(data))
    assert status in (200, 302)
    if status == 200:
        assert Case.objects.count() == before  # refused: nothing saved


@FUZZ
@given(reason=TEXT)
def test_withdraw_never_answers_500(open_world, reason):
    case = open_world.cases[0]  # resolved: the refusal path as well as the form path
    assert _post(open_world, "coordinator", f"/cases/{case.pk}/withdraw/", {"reason": reason}) < 500


@FUZZ
@given(when=ANY, reason=TEXT)
def test_received_at_plan_change_never_answers_500(open_world, when, reason):
    path = f"/cases/{open_world.open_case.pk}/received-at-plan/"
    data = _clean({"received_at_plan": when, "reason": reason})
    assert _post(open_world, "cmo", path, data) < 500


@FUZZ
@given(at=ANY, channel=ANY, with_whom=TEXT, summary=TEXT)
def test_the_contact_log_never_answers_500(open_world, at, channel, with_whom, summary):
    path = f"/portal/staff/cases/{open_world.cases[0].pk}/contacts/"
    data = _clean({"at": at, "channel": channel, "with_whom": with_whom, "summary": summary})
    assert _post(open_world, "coordinator", path, data) < 500


@FUZZ
@given(answer=TEXT, question=TEXT)
def test_information_requests_never_answer_500(open_world, answer, question):
    case, ids = open_world.cases[0], open_world.ids[0]
    path = f"/portal/staff/cases/{case.pk}/questions/{ids['information_request']}/answer/"
    assert _post(open_world, "coordinator", path, _clean({"answer": answer})) < 500
    ask = f"/portal/cases/{case.pk}/questions/"
    assert _post(open_world, "reviewer_a", ask, _clean({"question": question})) < 500


def test_zz_fuzz_count(capsys):
    with capsys.disabled():
        print(f"\nfuzz cases tried: {sum(TRIED.values())} ({dict(TRIED)})")
