"""Uploading documents: checked by content, capped, stored privately, never deleted (R-FILE-4)."""

import pytest

# Imported first on purpose: WeasyPrint relaxes Pillow's decoding for the whole process
# (LOAD_TRUNCATED_IMAGES), as it does in production once the packet module is loaded.
import weasyprint  # noqa: F401
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import ImageFile

from cases.models import CaseEvent, Document, DocumentKind, Status
from cases.services.documents import document_supersede, document_upload, sanitize_original_name
from tests.support.cases import open_case
from tests.support.factories import ROSALIND, MemberFactory
from tests.support.files import (
    PPTX_MAIN,
    XLSX_MAIN,
    docx_bytes,
    image_bytes,
    ole_bytes,
    pdf_bytes,
    png_header_claiming,
    stored_files,
    upload,
    use_private_storage,
    zip_bomb_docx_bytes,
)
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def case(coordinator):
    return open_case(coordinator, member=MemberFactory(**ROSALIND))


def _upload(case, coordinator, name, data, kind=DocumentKind.CLINICAL_DATA, **extra):
    return document_upload(
        case=case, kind=kind, uploaded_file=upload(name, data), actor=coordinator, **extra
    )


def _assert_nothing_written(case, storage_root):
    assert not Document.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind__startswith="document").exists()
    assert stored_files(storage_root) == []


# --- what is accepted -----------------------------------------------------------------


def test_it_stores_a_pdf_under_a_random_name_with_a_neutral_title(case, coordinator, storage_root):
    data = pdf_bytes(["Lab results page one", "Lab results page two"])
    document = _upload(case, coordinator, "Quintero labs.pdf", data)

    assert document.title == "Clinical data 1"
    assert document.content_type == "application/pdf"
    assert document.page_count == 2
    assert document.size == len(data)
    assert len(document.sha256) == 64
    assert "Lab results page two" in document.extracted_text
    assert document.original_name == "Quintero labs.pdf"
    (stored,) = stored_files(storage_root)
    assert stored.name == document.storage_name
    assert "Quintero" not in stored.name and not stored.name.endswith(".pdf")
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o077 == 0  # readable by the app only
    (history,) = document.history.all()
    assert history.history_user == coordinator


def test_titles_are_numbered_per_kind(case, coordinator):
    first = _upload(case, coordinator, "a.pdf", pdf_bytes(["a"]))
    second = _upload(case, coordinator, "b.pdf", pdf_bytes(["b"]))
    history = _upload(
        case, coordinator, "c.pdf", pdf_bytes(["c"]), kind=DocumentKind.MEDICAL_HISTORY
    )
    assert [first.title, second.title, history.title] == [
        "Clinical data 1",
        "Clinical data 2",
        "Medical history 1",
    ]


@pytest.mark.parametrize(
    ("name", "data", "content_type", "pages"),
    [
        ("scan.png", image_bytes("PNG"), "image/png", 1),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg", 1),
        ("fax.tif", image_bytes("TIFF", frames=3), "image/tiff", 3),
        ("chart.gif", image_bytes("GIF"), "image/gif", 1),
        ("note.txt", b"Follow-up in 2 weeks; BP < 120.\n", "text/plain", None),
        ("letter.docx", docx_bytes("Letter of medical necessity"), None, None),
        ("labs.xlsx", docx_bytes(main=XLSX_MAIN), None, None),
        ("old.doc", ole_bytes(["WordDocument", "1Table"]), "application/msword", None),
        ("old.xls", ole_bytes(["Workbook"]), "application/vnd.ms-excel", None),
    ],
)
def test_it_accepts_each_supported_type_by_content(
    case, coordinator, name, data, content_type, pages
):
    # Every file is sent named ".bin": the type comes from the bytes alone.
    document = _upload(case, coordinator, "upload.bin", data)
    if content_type:
        assert document.content_type == content_type
    else:
        assert document.content_type.startswith("application/vnd.openxmlformats-officedocument")
    assert document.page_count == pages


def test_it_extracts_word_text_for_the_phi_scan(case, coordinator):
    document = _upload(case, coordinator, "letter.docx", docx_bytes("Patient Rosalind Quintero"))
    assert "Rosalind Quintero" in document.extracted_text


def test_it_writes_a_case_event_without_the_file_name(case, coordinator):
    document = _upload(case, coordinator, "Rosalind Quintero MRI.pdf", pdf_bytes(["x"]))
    event = CaseEvent.objects.get(case=case, kind="document_uploaded")
    assert event.actor == coordinator
    assert event.data["document_id"] == document.pk
    assert "Clinical data 1" in event.summary
    assert "Quintero" not in event.summary and "Quintero" not in str(event.data)


# --- what is refused, leaving nothing behind ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("labs.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
        ("labs.pdf", b"<html><body>hi</body></html>", "HTML"),
        ("note.txt", b"plain words then <script src=x></script>", "HTML"),
        ("labs.pdf", b"%PDF-1.7\n1 0 obj garbage and no trailer", "damaged"),
        ("labs.pdf", pdf_bytes(["secret"], encrypted=True), "password"),
        ("labs.pdf", pdf_bytes(["one", "two"])[:300], "damaged"),
        ("scan.png", image_bytes("PNG")[:200], "damaged"),
        ("bomb.png", png_header_claiming(100_000, 100_000), "too large"),
        ("deck.pptx", docx_bytes(main=PPTX_MAIN), "cannot be attached"),
        ("macro.docx", docx_bytes(extra={"word/vbaProject.bin": b"\0" * 10}), "macros"),
        ("old.ppt", ole_bytes(["PowerPoint Document"]), "cannot be attached"),
        ("locked.docx", ole_bytes(["EncryptionInfo", "EncryptedPackage"]), "password"),
        ("old.doc", ole_bytes(["WordDocument", "Macros"]), "macros"),
        ("broken.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, "damaged"),
        ("archive.docx", b"PK\x03\x04" + b"\0" * 100, "damaged"),
        ("program.pdf", b"MZ\x90\x00" + b"\0" * 200, "(EXE) cannot be attached"),
        ("song.pdf", b"ID3\x04\x00" + b"\0" * 200, "(MP3) cannot be attached"),
        ("mystery.pdf", bytes(range(256)) * 4, "not recognised"),
        ("latin1.txt", "Résumé".encode("latin-1"), "UTF-8"),
        ("empty.pdf", b"", "empty"),
        ("binary.txt", b"abc\x00def", "not plain text"),
    ],
)
def test_it_refuses_bad_content_and_writes_nothing(
    case, coordinator, storage_root, name, data, message
):
    with pytest.raises(ValidationError) as refused:
        _upload(case, coordinator, name, data)
    assert message.lower() in refused.value.messages[0].lower()
    _assert_nothing_written(case, storage_root)


def test_truncated_images_are_refused_even_when_pillow_is_lenient(
    case, coordinator, storage_root, monkeypatch
):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = image_bytes("JPEG", size=(800, 600))
    with pytest.raises(ValidationError, match="damaged"):
        _upload(case, coordinator, "photo.jpg", data[: len(data) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as it was
    _assert_nothing_written(case, storage_root)


def test_it_refuses_a_zip_bomb_docx(case, coordinator, storage_root):
    data = zip_bomb_docx_bytes(expanded_mb=150)
    assert len(data) < 1024 * 1024  # small on the wire...
    with pytest.raises(ValidationError) as refused:
        _upload(case, coordinator, "bomb.docx", data)
    assert "zip bomb" in refused.value.messages[0]
    _assert_nothing_written(case, storage_root)


def test_it_refuses_a_docx_that_lies_about_its_expanded_size(case, coordinator, storage_root):
    # The headers claim 1 KB; only reading the part (and its checksum) shows the truth.
    data = zip_bomb_docx_bytes(expanded_mb=20, declared_size=1000)
    with pytest.raises(ValidationError):
        _upload(case, coordinator, "bomb.docx", data)
    _assert_nothing_written(case, storage_root)


def test_it_refuses_an_oversize_file_with_the_limit_in_the_message(
    case, coordinator, storage_root, settings
):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    data = pdf_bytes(["x"]) + b"\n%" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        _upload(case, coordinator, "big.pdf", data)
    assert "larger than the 1 MB limit" in refused.value.messages[0]
    _assert_nothing_written(case, storage_root)


def test_the_default_cap_is_25_megabytes(case, coordinator, storage_root):
    data = b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        _upload(case, coordinator, "big.pdf", data)
    assert "25 MB" in refused.value.messages[0]
    _assert_nothing_written(case, storage_root)


def test_it_refuses_a_title_that_names_the_member(case, coordinator, storage_root):
    with pytest.raises(ValidationError) as refused:
        _upload(case, coordinator, "a.pdf", pdf_bytes(["x"]), title="Quintero, Rosalind labs")
    assert "names the member" in refused.value.messages[0]
    _assert_nothing_written(case, storage_root)


def test_it_refuses_uploads_to_a_closed_case(case, coordinator, storage_root):
    case.status = Status.CLOSED
    case.save()
    with pytest.raises(ValidationError, match="closed"):
        _upload(case, coordinator, "a.pdf", pdf_bytes(["x"]))
    _assert_nothing_written(case, storage_root)


def test_a_database_failure_leaves_no_file(case, coordinator, storage_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("cases.services.documents.case_event_add", fail)
    with pytest.raises(RuntimeError):
        _upload(case, coordinator, "a.pdf", pdf_bytes(["x"]))
    _assert_nothing_written(case, storage_root)


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
        ("/var/www/evil.pdf", "evil.pdf"),
        ("Informe médico – José.pdf", "Informe médico – José.pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("tab\tand\nnewline.pdf", "tabandnewline.pdf"),
        ("...", "unnamed"),
        ("", "unnamed"),
    ],
)
def test_original_names_are_sanitized(given, kept):
    assert sanitize_original_name(given) == kept


def test_very_long_names_are_truncated_keeping_the_extension():
    kept = sanitize_original_name("x" * 500 + ".pdf")
    assert len(kept) <= 120
    assert kept.endswith("….pdf")


@pytest.mark.parametrize(
    "name", ["../../../../tmp/evil.pdf", "ünïcødé😀.pdf", "a" * 1000 + ".pdf", "con.pdf"]
)
def test_hostile_names_never_reach_the_file_system(case, coordinator, storage_root, tmp_path, name):
    document = _upload(case, coordinator, name, pdf_bytes(["x"]))
    (stored,) = stored_files(storage_root)
    assert stored.parent == storage_root
    assert stored.name == document.storage_name
    assert not (tmp_path.parent / "evil.pdf").exists()
    assert len(document.original_name) <= 120


# --- supersede --------------------------------------------------------------------------------


def test_supersede_keeps_both_versions(case, coordinator, storage_root):
    old = _upload(case, coordinator, "v1.pdf", pdf_bytes(["version one"]))
    new = document_supersede(
        document=old, uploaded_file=upload("v2.pdf", pdf_bytes(["version two"])), actor=coordinator
    )
    assert new.supersedes == old
    assert new.title == old.title == "Clinical data 1"
    assert new.kind == old.kind
    assert list(case.documents.current()) == [new]
    assert Document.objects.filter(pk=old.pk).exists()
    assert len(stored_files(storage_root)) == 2
    assert CaseEvent.objects.filter(case=case, kind="document_superseded").count() == 1


def test_only_the_current_version_can_be_superseded(case, coordinator, storage_root):
    old = _upload(case, coordinator, "v1.pdf", pdf_bytes(["one"]))
    document_supersede(
        document=old, uploaded_file=upload("v2.pdf", pdf_bytes(["two"])), actor=coordinator
    )
    with pytest.raises(ValidationError, match="already been replaced"):
        document_supersede(
            document=old, uploaded_file=upload("v3.pdf", pdf_bytes(["three"])), actor=coordinator
        )
    assert Document.objects.filter(case=case).count() == 2
    assert len(stored_files(storage_root)) == 2


def test_a_refused_new_version_leaves_the_old_one_current(case, coordinator, storage_root):
    old = _upload(case, coordinator, "v1.pdf", pdf_bytes(["one"]))
    with pytest.raises(ValidationError):
        document_supersede(
            document=old, uploaded_file=upload("v2.pdf", b"<html>"), actor=coordinator
        )
    assert list(case.documents.current()) == [old]
    assert len(stored_files(storage_root)) == 1


# --- through HTTP -----------------------------------------------------------------------------


def test_a_coordinator_uploads_through_the_case_page(case, coordinator, storage_root):
    url = reverse("cases_documents:upload", args=[case.pk])
    response = client_for(coordinator).post(
        url, {"kind": DocumentKind.CLINICAL_DATA, "file": upload("labs.pdf", pdf_bytes(["x"]))}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cases:detail", args=[case.pk]))
    document = Document.objects.get(case=case)
    assert document.uploaded_by == coordinator
    assert len(stored_files(storage_root)) == 1


def test_a_spoofed_upload_through_http_shows_the_reason_and_stores_nothing(
    case, coordinator, storage_root
):
    url = reverse("cases_documents:upload", args=[case.pk])
    client = client_for(coordinator)
    response = client.post(
        url,
        {
            "kind": DocumentKind.CLINICAL_DATA,
            "file": upload("labs.pdf", b"<html><script>x</script>"),
        },
        follow=False,
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("HTML" in m for m in messages)
    _assert_nothing_written(case, storage_root)


def test_an_upload_without_a_kind_is_refused(case, coordinator, storage_root):
    url = reverse("cases_documents:upload", args=[case.pk])
    response = client_for(coordinator).post(url, {"file": upload("labs.pdf", pdf_bytes(["x"]))})
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["The document was not uploaded. What it is for: This field is required."]
    _assert_nothing_written(case, storage_root)


def test_supersede_through_http(case, coordinator, storage_root):
    old = _upload(case, coordinator, "v1.pdf", pdf_bytes(["one"]))
    url = reverse("cases_documents:supersede", args=[case.pk, old.pk])
    response = client_for(coordinator).post(url, {"file": upload("v2.pdf", pdf_bytes(["two"]))})
    assert response.status_code == 302
    assert case.documents.current().get().supersedes == old


@pytest.mark.parametrize("persona", ["quac_member", "reviewer", "administrator", "outsider"])
def test_roles_without_case_work_cannot_upload(request, case, storage_root, persona):
    user = request.getfixturevalue(persona)
    url = reverse("cases_documents:upload", args=[case.pk])
    response = client_for(user).post(
        url, {"kind": DocumentKind.CLINICAL_DATA, "file": upload("labs.pdf", pdf_bytes(["x"]))}
    )
    assert response.status_code == 403
    _assert_nothing_written(case, storage_root)


def test_upload_only_accepts_post(case, coordinator):
    url = reverse("cases_documents:upload", args=[case.pk])
    assert client_for(coordinator).get(url).status_code == 405
