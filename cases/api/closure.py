"""REST endpoints for resolution, the TAR bundle and closure (R-API-1, R-TRK-7)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import access_log, get_case_for_user
from cases.models import AccessLog
from cases.serializers.closure import (
    CaseStatusSerializer,
    ResolutionSerializer,
    ResolveSerializer,
    TarAttachmentInputSerializer,
    TarAttachmentSerializer,
    TarBundleSerializer,
)
from cases.services import closure
from imr.api import ApiAuthMixin


class CaseResolveView(ApiAuthMixin, APIView):
    @extend_schema(request=ResolveSerializer, responses={201: ResolutionSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        form = ResolveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = closure.case_resolve(
            case=case, actor=request.user, note=form.validated_data["note"]
        )
        return Response(ResolutionSerializer(result).data, status=status.HTTP_201_CREATED)


class TarBundleListView(ApiAuthMixin, APIView):
    """GET: the case's TAR bundles. POST: build one and hand it to the UM system."""

    @extend_schema(responses=TarBundleSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk)
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="TAR bundles")
        return Response(TarBundleSerializer(case.tar_bundles.all(), many=True).data)

    @extend_schema(request=None, responses={201: TarBundleSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        result = closure.tar_bundle_build(case=case, actor=request.user)
        return Response(TarBundleSerializer(result).data, status=status.HTTP_201_CREATED)


class TarBundleDownloadView(ApiAuthMixin, APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, pk: int) -> HttpResponse:
        case = get_case_for_user(request, case_pk)
        bundle = get_object_or_404(case.tar_bundles, pk=pk)
        access_log(
            request, action=AccessLog.Action.DOWNLOAD_TAR_BUNDLE, case=case, tar_bundle=bundle
        )
        response = HttpResponse(closure.tar_bundle_bytes(bundle), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="TAR bundle {bundle.pk}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response


class TarAttachmentView(ApiAuthMixin, APIView):
    @extend_schema(request=TarAttachmentInputSerializer, responses={201: TarAttachmentSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        form = TarAttachmentInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = closure.tar_attachment_confirm(
            case=case, actor=request.user, tar_number=form.validated_data["tar_number"]
        )
        return Response(TarAttachmentSerializer(result).data, status=status.HTTP_201_CREATED)


class CaseCloseView(ApiAuthMixin, APIView):
    @extend_schema(request=None, responses={200: CaseStatusSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        result = closure.case_close(case=case, actor=request.user)
        return Response(CaseStatusSerializer(result).data, status=status.HTTP_200_OK)
