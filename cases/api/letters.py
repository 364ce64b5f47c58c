"""REST endpoints for letters (R-API-1, R-TRK-6): list, preview, checks, download, mailed;
the letter texts staff confirm and the oral notice (R-NOT-6, R-NOT-9, R-NOT-12)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import access_log, get_case_for_user
from cases.models import AccessLog, Party
from cases.serializers.letters import (
    LetterChecksSerializer,
    LetterSendSerializer,
    LetterSerializer,
    NoticeTextSerializer,
    OralNoticeSerializer,
)
from cases.services import letters
from cases.services.notice_texts import NoticeTextInput, notice_text_save, oral_notice_record
from imr.api import ApiAuthMixin
from imr.web import pdf_response


class LetterListView(ApiAuthMixin, APIView):
    """GET: letters sent on the case. POST: send one party's letter (checked first)."""

    @extend_schema(responses=LetterSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk)
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="letters")
        rows = case.letters.select_related("template", "sent_by", "mailed_by")
        return Response(LetterSerializer(rows, many=True).data)

    @extend_schema(request=LetterSendSerializer, responses={201: LetterSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        form = LetterSendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        result = letters.letter_send(
            case=case,
            party=data["party"],
            actor=request.user,
            determination_id=data["determination_id"],
            channel=data.get("channel"),
        )
        return Response(LetterSerializer(result).data, status=status.HTTP_201_CREATED)


def _rendered(request: Request, case_pk: int, party: str) -> letters.RenderedLetter:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    if party not in Party.values:
        raise NotFound("No such party: member or practitioner.")
    rendered = letters.letter_render(case=case, party=party)
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case)
    return rendered


class LetterPreviewView(ApiAuthMixin, APIView):
    """GET: the letter as it would be sent now, rendered on the fly, not stored."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, party: str) -> HttpResponse:
        rendered = _rendered(request, case_pk, party)
        return pdf_response(rendered.pdf, f"PREVIEW {party} letter case {case_pk}.pdf")


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
                    **letters.letter_check_report(rendered),
                }
            ).data
        )


class LetterDownloadView(ApiAuthMixin, APIView):
    """GET: the stored PDF exactly as sent."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int, pk: int) -> HttpResponse:
        case = get_case_for_user(request, case_pk)
        letter = get_object_or_404(case.letters, pk=pk)
        access_log(request, action=AccessLog.Action.DOWNLOAD_LETTER, case=case, letter=letter)
        return pdf_response(letters.letter_pdf(letter), f"Letter {letter.pk} {letter.party}.pdf")


class LetterMailedView(ApiAuthMixin, APIView):
    @extend_schema(request=None, responses={200: LetterSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        letter = get_object_or_404(case.letters, pk=pk)
        result = letters.letter_mailed_confirm(letter=letter, actor=request.user)
        return Response(LetterSerializer(result).data, status=status.HTTP_200_OK)


class NoticeTextView(ApiAuthMixin, APIView):
    """POST: save and confirm the case texts the letters print (R-NOT-6, R-NOT-9)."""

    @extend_schema(request=NoticeTextSerializer, responses=NoticeTextSerializer)
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        form = NoticeTextSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        texts = NoticeTextInput(
            **{k: v for k, v in form.validated_data.items() if k != "confirmed_at"}
        )
        saved = notice_text_save(case=case, actor=request.user, texts=texts)
        return Response(NoticeTextSerializer(saved).data)


class OralNoticeView(ApiAuthMixin, APIView):
    """POST: record the oral notice of an expedited decision (R-NOT-12)."""

    @extend_schema(request=OralNoticeSerializer, responses={201: OralNoticeSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="work_cases")
        form = OralNoticeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        notice = oral_notice_record(case=case, actor=request.user, **form.validated_data)
        return Response(OralNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)
