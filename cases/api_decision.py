"""REST endpoints for determinations, letters and closure (R-API-1), with the staff
pages' permissions: deciding needs decide_cases, letters and the TAR file work_cases,
reading and downloading view_phi (downloads are logged). Every view mixes in
ApiAuthMixin first."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import closure, determinations, letters
from cases.access import access_log, get_case_for_user
from cases.models import AccessLog, Party
from cases.serializers_decision import (
    AmendmentInputSerializer,
    CaseStatusSerializer,
    DeterminationInputSerializer,
    DeterminationSerializer,
    LetterChecksSerializer,
    LetterSendSerializer,
    LetterSerializer,
    ResolutionSerializer,
    ResolveSerializer,
    TarAttachmentInputSerializer,
    TarAttachmentSerializer,
    TarBundleSerializer,
)
from cases.services import StaleCase
from cases.workflow import IllegalTransition
from imr.api import ApiAuthMixin


def _call(action: Callable, serializer, *, created: bool = True) -> Response:
    """Run one service; a refusal is 400 with every reason, a race or wrong state 409."""
    try:
        result = action()
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise ApiValidationError(detail) from error
    except (IllegalTransition, StaleCase) as error:
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(serializer(result).data, status=code)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class DeterminationListView(ApiAuthMixin, APIView):
    """GET: the case's determinations, amendments included. POST: record (or change the
    unsigned draft); CMO or Physician Designee only."""

    @extend_schema(responses=DeterminationSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk)
        rows = case.determinations.select_related("signed_by", "created_by")
        return Response(DeterminationSerializer(rows, many=True).data)

    @extend_schema(request=DeterminationInputSerializer, responses={201: DeterminationSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        form = DeterminationInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return _call(
            lambda: determinations.determination_record(
                case=case, actor=request.user, **form.validated_data
            ),
            DeterminationSerializer,
        )


class DeterminationSignView(ApiAuthMixin, APIView):
    @extend_schema(request=None, responses={200: DeterminationSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        determination = get_object_or_404(case.determinations, pk=pk)
        return _call(
            lambda: determinations.determination_sign(
                determination=determination, actor=request.user
            ),
            DeterminationSerializer,
            created=False,
        )


class DeterminationAmendView(ApiAuthMixin, APIView):
    @extend_schema(request=AmendmentInputSerializer, responses={201: DeterminationSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        determination = get_object_or_404(case.determinations, pk=pk)
        form = AmendmentInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return _call(
            lambda: determinations.determination_amend(
                determination=determination, actor=request.user, **form.validated_data
            ),
            DeterminationSerializer,
        )


class LetterListView(ApiAuthMixin, APIView):
    """GET: letters sent on the case. POST: send one party's letter (checked first)."""

    @extend_schema(responses=LetterSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk)
        rows = case.letters.select_related("template", "sent_by", "mailed_by")
        return Response(LetterSerializer(rows, many=True).data)

    @extend_schema(request=LetterSendSerializer, responses={201: LetterSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        form = LetterSendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        return _call(
            lambda: letters.letter_send(
                case=case,
                party=data["party"],
                actor=request.user,
                determination_id=data["determination_id"],
                channel=data.get("channel"),
            ),
            LetterSerializer,
        )


def _rendered(request: Request, case_pk: int, party: str) -> letters.RenderedLetter:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    if party not in Party.values:
        raise NotFound("No such party: member or practitioner.")
    try:
        rendered = letters.letter_render(case=case, party=party)
    except ValidationError as error:
        raise ApiValidationError({"detail": error.messages}) from error
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case)
    return rendered


class LetterPreviewView(ApiAuthMixin, APIView):
    """GET: the letter as it would be sent now, rendered on the fly, not stored."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, party: str) -> HttpResponse:
        rendered = _rendered(request, case_pk, party)
        return _pdf(rendered.pdf, f"PREVIEW {party} letter case {case_pk}.pdf")


class LetterChecksView(ApiAuthMixin, APIView):
    """GET: what the pre-send checks find in the letter as it would be sent now."""

    @extend_schema(responses=LetterChecksSerializer)
    def get(self, request: Request, case_pk: int, party: str) -> Response:
        rendered = _rendered(request, case_pk, party)
        return Response(
            LetterChecksSerializer(
                {
                    "party": party,
                    "determination_id": rendered.determination.pk,
                    "language": rendered.language,
                    "template_version": rendered.template.version,
                    "problems": rendered.problems,
                }
            ).data
        )


class LetterDownloadView(ApiAuthMixin, APIView):
    """GET: the stored PDF exactly as sent."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, pk: int) -> HttpResponse:
        case = get_case_for_user(request, case_pk)
        letter = get_object_or_404(case.letters, pk=pk)
        access_log(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, case=case)
        return _pdf(letters.letter_pdf(letter), f"Letter {letter.pk} {letter.party}.pdf")


class LetterMailedView(ApiAuthMixin, APIView):
    @extend_schema(request=None, responses={200: LetterSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        letter = get_object_or_404(case.letters, pk=pk)
        return _call(
            lambda: letters.letter_mailed_confirm(letter=letter, actor=request.user),
            LetterSerializer,
            created=False,
        )


class CaseResolveView(ApiAuthMixin, APIView):
    @extend_schema(request=ResolveSerializer, responses={201: ResolutionSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        form = ResolveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return _call(
            lambda: closure.case_resolve(
                case=case, actor=request.user, note=form.validated_data["note"]
            ),
            ResolutionSerializer,
        )


class TarBundleListView(ApiAuthMixin, APIView):
    """GET: the case's TAR bundles. POST: build one and hand it to the UM system."""

    @extend_schema(responses=TarBundleSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk)
        return Response(TarBundleSerializer(case.tar_bundles.all(), many=True).data)

    @extend_schema(request=None, responses={201: TarBundleSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        return _call(
            lambda: closure.tar_bundle_build(case=case, actor=request.user), TarBundleSerializer
        )


class TarBundleDownloadView(ApiAuthMixin, APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, pk: int) -> HttpResponse:
        case = get_case_for_user(request, case_pk)
        bundle = get_object_or_404(case.tar_bundles, pk=pk)
        access_log(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, case=case)
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
        return _call(
            lambda: closure.tar_attachment_confirm(
                case=case, actor=request.user, tar_number=form.validated_data["tar_number"]
            ),
            TarAttachmentSerializer,
        )


class CaseCloseView(ApiAuthMixin, APIView):
    @extend_schema(request=None, responses={200: CaseStatusSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        return _call(
            lambda: closure.case_close(case=case, actor=request.user),
            CaseStatusSerializer,
            created=False,
        )
