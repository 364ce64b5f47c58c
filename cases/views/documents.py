"""Staff pages for a case's documents and packet (R-FILE-3, R-FILE-4, R-TRK-8).

Uploads need the case-work capability; downloads need PHI access and are logged. The
IMRO reviewer and QUAC roles have neither, so they get 403 here; reviewers receive the
packet through the reviewer portal instead.
"""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases.access import access_log, get_case_for_user
from cases.document_content import ACCEPTED_TYPES
from cases.forms import DocumentSupersedeForm, DocumentUploadForm
from cases.models import AccessLog, Case, Document
from cases.packet import packet_render
from cases.phi_scan import phi_kinds_in_text
from cases.services.documents import document_supersede, document_upload
from cases.storage import documents_storage
from imr.web import form_run


def _case_page(case: Case) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]) + "#documents")


@require_POST
def document_upload_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    document = form_run(
        request,
        DocumentUploadForm(request.POST, request.FILES),
        lambda data: document_upload(
            case=case,
            kind=data["kind"],
            uploaded_file=data["file"],
            actor=request.user,
            title=data["title"] or None,
            author_name=data["author_name"],
            author_npi=data["author_npi"],
        ),
        done=lambda document: f"Uploaded {document.title}.",
        refused="The document was not uploaded.",
    )
    if document is not None:
        _warn_phi(request, case, document)
    return _case_page(case)


@require_POST
def document_supersede_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    document = get_object_or_404(case.documents, pk=pk)
    new = form_run(
        request,
        DocumentSupersedeForm(request.POST, request.FILES),
        lambda data: document_supersede(
            document=document,
            uploaded_file=data["file"],
            actor=request.user,
            author_name=data["author_name"] or None,
            author_npi=data["author_npi"] or None,
        ),
        done=lambda new: f"Uploaded a new version of {new.title}; the old one is kept.",
        refused="The new version was not uploaded.",
    )
    if new is not None:
        _warn_phi(request, case, new)
    return _case_page(case)


def _warn_phi(request: HttpRequest, case: Case, document: Document) -> None:
    kinds = phi_kinds_in_text(member=case.member, text=document.extracted_text)
    if kinds:
        found = ", ".join(kind.label for kind in kinds)
        messages.warning(
            request,
            f"{document.title} contains {found}. It goes to the reviewer as it is: "
            "redact it where plan policy asks.",
        )


@require_GET
def document_download_view(request: HttpRequest, case_pk: int, pk: int) -> FileResponse:
    case = get_case_for_user(request, case_pk)
    document = get_object_or_404(case.documents, pk=pk)
    access_log(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, case=case, document=document)
    return document_file_response(document)


def document_file_response(document: Document) -> FileResponse:
    """The stored file as an attachment named by its neutral title. Shared with the API."""
    extension = ACCEPTED_TYPES.get(document.content_type, ("", "bin"))[1]
    response = FileResponse(
        documents_storage().open(document.storage_name, "rb"),
        as_attachment=True,
        filename=f"{document.title}.{extension}",
        content_type=document.content_type,
    )
    return _private(response)


@require_GET
def packet_download_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk)
    pdf = packet_render(case=case)
    access_log(request, action=AccessLog.Action.DOWNLOAD_PACKET, case=case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="IMR packet {case.member.internal_id}.pdf"'
    )
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    # Clinical content: never cached, never sniffed into something executable, never framed.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
