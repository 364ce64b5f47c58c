"""REST endpoints for a case's documents (R-API-1), with the staff pages' permissions.

Listing and downloading need PHI access; uploading needs the case-work capability.
Every view mixes in ApiAuthMixin first so DRF, not the login middleware, authenticates.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import access_log, get_case_for_user
from cases.models import AccessLog, Document
from cases.serializers.documents import (
    DocumentSerializer,
    DocumentSupersedeSerializer,
    DocumentUploadSerializer,
)
from cases.services.documents import document_supersede, document_upload
from cases.views.documents import document_file_response
from imr.api import ApiAuthMixin


class CaseDocumentListView(ApiAuthMixin, generics.ListAPIView):
    """GET: the case's current documents. POST (multipart: kind, file, title?): upload."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list = []

    def get_queryset(self):
        case = get_case_for_user(self.request, self.kwargs["case_pk"])
        if self.request.method == "GET":
            access_log(
                self.request, action=AccessLog.Action.VIEW_CASE, case=case, resource="documents"
            )
        return (
            case.documents.current()
            .select_related("uploaded_by")
            .defer("extracted_text")
            .order_by("pk")
        )

    def get_serializer_context(self) -> dict:
        # Listed documents are current by construction.
        return {**super().get_serializer_context(), "replaced_ids": set()}

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        form = DocumentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        document = document_upload(
            case=case,
            kind=form.validated_data["kind"],
            uploaded_file=form.validated_data["file"],
            actor=request.user,
            title=form.validated_data.get("title") or None,
            author_name=form.validated_data.get("author_name", ""),
            author_npi=form.validated_data.get("author_npi", ""),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentVersionsView(ApiAuthMixin, generics.ListAPIView):
    """GET: every version of a document, newest first. POST (multipart: file): new version."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        case = get_case_for_user(self.request, self.kwargs["case_pk"])
        documents = {
            d.pk: d for d in case.documents.select_related("uploaded_by").defer("extracted_text")
        }
        document = documents.get(self.kwargs["pk"])
        if document is None:
            get_object_or_404(Document, pk=-1)
        # Walk forward to the newest version, then back through what each replaced.
        by_predecessor = {d.supersedes_id: d for d in documents.values() if d.supersedes_id}
        while document.pk in by_predecessor:
            document = by_predecessor[document.pk]
        chain = []
        while document is not None:
            chain.append(document)
            document = documents.get(document.supersedes_id)
        self._replaced = {d.supersedes_id for d in chain if d.supersedes_id}
        if self.request.method == "GET":
            access_log(
                self.request,
                action=AccessLog.Action.VIEW_CASE,
                case=case,
                resource="document versions",
            )
        return chain

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "replaced_ids": getattr(self, "_replaced", None),
        }

    @extend_schema(request=DocumentSupersedeSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        document = get_object_or_404(case.documents, pk=pk)
        form = DocumentSupersedeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        new = document_supersede(
            document=document, uploaded_file=form.validated_data["file"], actor=request.user
        )
        return Response(DocumentSerializer(new).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(ApiAuthMixin, APIView):
    """GET: the file itself, as an attachment; the download is logged (R-TRK-8)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, pk: int):
        case = get_case_for_user(request, case_pk)
        document = get_object_or_404(case.documents, pk=pk)
        access_log(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, case=case, document=document)
        return document_file_response(document)
