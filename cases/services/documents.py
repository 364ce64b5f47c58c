"""Documents on a case: upload, supersede, and what the case page shows (R-FILE-3, R-FILE-4).

A document is checked by content (cases.document_content), stored in the private
"documents" storage under a random name, and never deleted: a new version supersedes
the old one, which stays in the case's history. Titles are neutral ("Clinical data 2")
because the packet and letters never show uploaded file names.
"""

import hashlib
import io
import logging
import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from cases.document_content import PDF, CheckedContent, document_content_check
from cases.events import case_event_add
from cases.models import Case, Document, DocumentKind, Status
from cases.models.documents import NEUTRAL_TITLES
from cases.pdf_sanitize import pdf_active_content
from cases.phi_scan import reviewer_text_problems
from cases.storage import documents_storage
from imr.errors import Refused

logger = logging.getLogger(__name__)

ORIGINAL_NAME_MAX = 120
TITLE_MAX = 120


def document_upload(
    *,
    case: Case,
    kind: str,
    uploaded_file: File,
    actor: AbstractBaseUser,
    title: str | None = None,
    author_name: str = "",
    author_npi: str = "",
) -> Document:
    """Attach a new document to the case (R-FILE-4).

    `author_name` / `author_npi` record who wrote it; the submission gate requires the
    VI.B.5 certification and recommendation to be the treating physician's (R-REF-7).

    The type is decided by the bytes, not the name; the size is capped by
    settings.DOCUMENT_MAX_BYTES. Bad input is refused (imr.errors.Refused) and writes nothing.
    The title is neutral and numbered per kind unless one is given; a given title may
    not name the member (it is printed in the packet, R-FILE-3).
    """
    if kind not in DocumentKind.values:
        raise Refused("Choose what the document is for.", code="kind")
    _check_case_accepts_documents(case)
    if title is not None:
        title = _clean_title(case=case, title=title)
    data, content = _checked_file(uploaded_file)
    return _document_create(
        case=case,
        kind=kind,
        title=title,
        data=data,
        content=content,
        original_name=getattr(uploaded_file, "name", "") or "",
        actor=actor,
        supersedes=None,
        author=_author(author_name, author_npi),
    )


def document_supersede(
    *,
    document: Document,
    uploaded_file: File,
    actor: AbstractBaseUser,
    author_name: str | None = None,
    author_npi: str | None = None,
) -> Document:
    """Replace a document with a new version; the old one is kept and linked (R-FILE-4).

    The new version keeps the title and kind, so the packet's index does not change
    meaning, and the author unless a new one is given (R-REF-7). Only the current
    version can be superseded.
    """
    case = document.case
    _check_case_accepts_documents(case)
    data, content = _checked_file(uploaded_file)
    return _document_create(
        case=case,
        kind=document.kind,
        title=document.title,
        data=data,
        content=content,
        original_name=getattr(uploaded_file, "name", "") or "",
        actor=actor,
        supersedes=document,
        author=_author(
            document.author_name if author_name is None else author_name,
            document.author_npi if author_npi is None else author_npi,
        ),
    )


def _author(name: str, npi: str) -> tuple[str, str]:
    """The author as typed, trimmed; an NPI is ten digits (R-REF-7)."""
    name, npi = " ".join(name.split()), npi.strip()
    if npi and not (len(npi) == 10 and npi.isdigit()):
        raise Refused("The author's NPI is ten digits.", code="author_npi")
    if len(name) > 200:
        raise Refused("The author's name is at most 200 characters.", code="author_name")
    return name, npi


def _document_create(
    *,
    case: Case,
    kind: str,
    title: str | None,
    data: bytes,
    content: CheckedContent,
    original_name: str,
    actor: AbstractBaseUser,
    supersedes: Document | None,
    author: tuple[str, str] = ("", ""),
) -> Document:
    removed = pdf_active_content(PdfReader(io.BytesIO(data))) if content.content_type == PDF else []
    storage = documents_storage()
    # Written before the transaction so the row lock is not held during disk I/O; removed
    # again if anything below fails, so a refused upload leaves no file behind.
    storage_name = storage.save(secrets.token_hex(20), ContentFile(data))
    try:
        with transaction.atomic():
            # One upload at a time per case, so "Clinical data 2" is never given twice.
            Case.objects.select_for_update().only("pk").get(pk=case.pk)
            if supersedes is not None:
                _check_still_current(supersedes)
            document = Document(
                case=case,
                kind=kind,
                title=title or _next_title(case=case, kind=kind),
                original_name=sanitize_original_name(original_name),
                storage_name=storage_name,
                content_type=content.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                page_count=content.page_count,
                extracted_text=content.extracted_text,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
                supersedes=supersedes,
                author_name=author[0],
                author_npi=author[1],
                sanitized_removed=removed,
            )
            document._history_user = actor
            document.save()
            _event_add(document=document, actor=actor, content=content)
            if removed:
                # Names what the reviewer's copy loses, never the content (R-SEC-4).
                case_event_add(
                    case=case,
                    kind="document_sanitized",
                    summary=f"Sanitized {document.title} for the packet: removed "
                    f"{', '.join(removed)}.",
                    actor=actor,
                    data={"document_id": document.pk, "removed": removed},
                )
    except BaseException:
        storage.delete(storage_name)
        raise
    logger.info("document %s stored for case %s (%s bytes)", document.pk, case.pk, document.size)
    return document


def _event_add(*, document: Document, actor: AbstractBaseUser, content: CheckedContent) -> None:
    pages = f", {document.page_count} page(s)" if document.page_count else ""
    if document.supersedes_id:
        kind, verb = "document_superseded", "Replaced with a new version:"
    else:
        kind, verb = "document_uploaded", "Uploaded"
    # No file name and no text: either may carry PHI.
    case_event_add(
        case=document.case,
        kind=kind,
        summary=f"{verb} {document.title} ({content.label}{pages}).",
        actor=actor,
        data={
            "document_id": document.pk,
            "document_kind": document.kind,
            "supersedes_id": document.supersedes_id,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )


def _check_case_accepts_documents(case: Case) -> None:
    if not case.is_open:
        raise Refused(
            f"This case is {Status(case.status).label.lower()}; documents can no longer be added.",
            code="case_closed",
        )


def _check_still_current(document: Document) -> None:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if Document.objects.filter(supersedes=locked).exists():
        raise Refused(
            f"{document.title} has already been replaced by a newer version; "
            "replace the current version instead.",
            code="already_superseded",
        )


def _checked_file(uploaded_file: File) -> tuple[bytes, CheckedContent]:
    """The upload's bytes and what they really are; a refusal names the file field."""
    try:
        data = _read_upload(uploaded_file)
        return data, document_content_check(data)
    except ValidationError as error:
        raise Refused(fields={"file": error.messages}) from error


def _read_upload(uploaded_file: File) -> bytes:
    limit = settings.DOCUMENT_MAX_BYTES
    too_big = ValidationError(
        f"The file is larger than the {_megabytes(limit)} limit. "
        "Split it, or scan it at a lower resolution.",
        code="too_large",
    )
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise too_big
    uploaded_file.seek(0)
    chunks: list[bytes] = []
    total = 0
    for chunk in uploaded_file.chunks():
        total += len(chunk)
        if total > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _next_title(*, case: Case, kind: str) -> str:
    # Count first versions only: a new version keeps the title of the one it replaces.
    number = Document.objects.filter(case=case, kind=kind, supersedes__isnull=True).count() + 1
    return f"{NEUTRAL_TITLES[kind]} {number}"


def _clean_title(*, case: Case, title: str) -> str:
    title = " ".join(_printable(title).split())[:TITLE_MAX]
    if not title:
        raise Refused("The title is empty.", code="title")
    # Titles are printed in the reviewer's packet and portal (R-SEC-4).
    problems = reviewer_text_problems(member=case.member, texts=[("The title", title)])
    if problems:
        raise Refused(f"{problems[0]} Leave the title blank for a neutral one.", code="title_phi")
    return title


def _printable(text: str) -> str:
    # Drops control and format characters, including right-to-left overrides that make
    # "report<U+202E>fdp.exe" display as "reportexe.pdf".
    return "".join(
        c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] != "C"
    )


def sanitize_original_name(name: str) -> str:
    """The uploaded file name, kept for staff only: no path, no control characters, short.

    It is never used to build a storage path and never shown in the packet.
    """
    name = re.split(r"[/\\]", _printable(name))[-1]
    name = " ".join(name.split()).lstrip(". ")
    if not name:
        return "unnamed"
    if len(name) <= ORIGINAL_NAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 10:
        return stem[: ORIGINAL_NAME_MAX - len(extension) - 2] + "…." + extension
    return name[: ORIGINAL_NAME_MAX - 1] + "…"
