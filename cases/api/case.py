"""REST endpoints for cases (R-API-1): the same services and permissions as the staff pages."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.access import access_log, access_log_list, get_case_for_user, require_capability
from cases.api.filters import CaseFilter
from cases.checklist import referral_file_checklist
from cases.models import AccessLog, Case, Member
from cases.serializers.case import (
    CaseCreatedSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseReadSerializer,
    CaseSearchSerializer,
    CaseWriteSerializer,
    ChecklistItemSerializer,
    MemberSerializer,
    ReasonSerializer,
)
from imr.api import ApiAuthMixin
from imr.api.errors import PreconditionFailed

_ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=True, description='W/"<version>"'
)
_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag you read, W/"<version>"; a different one is refused with 412.',
)


def _with_etag(response: Response) -> Response:
    response["ETag"] = f'W/"{response.data["version"]}"'
    return response


def _if_match_version(request: Request, case: Case) -> int | None:
    """The case's version if If-Match names it; None without the header; 412 otherwise.

    The ETag is weak (the JSON may change with no new version, e.g. a clock's time
    left), so the tags are compared by the version they carry, with or without W/.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if "*" in tags or str(case.version) in tags:
        return case.version
    raise PreconditionFailed(
        f'The case is now at version {case.version} (ETag W/"{case.version}"); '
        "read it again before changing it."
    )


def _case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("member", "owner").prefetch_related(
        "circumstances", "services", "diagnoses", "questions"
    )


def _list_queryset(*, search: str = "") -> QuerySet[Case]:
    return selectors.case_list(search=search).prefetch_related(
        "circumstances", "services", "diagnoses", "questions"
    )


SEARCH_IN_URL = (
    "A search term is not taken from the address, where it would reach logs: POST it as "
    '{"q": "..."} to /api/v1/cases/search/ (the list\'s other filters may go with it).'
)


class CaseListView(ApiAuthMixin, generics.ListAPIView):
    """GET: cases, newest received first, filtered as CaseFilter says. POST: open a case.

    Every case on the page returned is access-logged: the rows carry member names
    (R-TRK-8). No search term here: `?q=` is a 400 naming POST /api/v1/cases/search/,
    so that member names stay out of URLs and the logs that keep them.
    """

    serializer_class = CaseReadSerializer
    filterset_class = CaseFilter
    queryset = Case.objects.none()  # for the schema; get_queryset checks the role

    def get_queryset(self) -> QuerySet[Case]:
        require_capability(self.request, "view_phi")
        return _list_queryset()

    def get(self, request: Request) -> Response:
        queryset = self.get_queryset()
        if "q" in request.query_params:
            return Response(
                {"detail": SEARCH_IN_URL, "errors": {"q": [SEARCH_IN_URL]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        cases = self.paginate_queryset(self.filter_queryset(queryset))
        access_log_list(request, cases=cases)
        return self.get_paginated_response(CaseReadSerializer(cases, many=True).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseCreatedSerializer})
    def post(self, request: Request) -> Response:
        """Open a case; `member_changes` names the member fields this intake changed."""
        require_capability(request, "work_cases")
        form = CaseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        intake = services.case_intake(
            member=form.validated_data["member"],
            practitioner=form.validated_data["practitioner"],
            details=form.details(),
            owner=request.user,
            actor=request.user,
        )
        case = _case_queryset().get(pk=intake.case.pk)
        case.member_changes = intake.member_changes
        return Response(CaseCreatedSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseSearchView(ApiAuthMixin, generics.GenericAPIView):
    """POST {q, and the list's filters if wanted}: the page of cases the term finds.

    The same page shape and filters as GET /api/v1/cases/, with the term in the body so
    that it never reaches a URL or the logs that keep URLs; `page` and `page_size` stay
    in the query string (POST the same body to `next`). Every case returned is
    access-logged (R-TRK-8).
    """

    serializer_class = CaseReadSerializer
    queryset = Case.objects.none()  # for the schema; post checks the role
    filter_backends: list = []  # the filters come from the body, below

    @extend_schema(
        operation_id="cases_search",
        request=CaseSearchSerializer,
        responses={200: CaseReadSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        require_capability(request, "view_phi")
        form = CaseSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        filters = {name: value for name, value in form.validated_data.items() if name != "q"}
        found = CaseFilter(data=filters, queryset=_list_queryset(search=form.validated_data["q"]))
        if not found.is_valid():
            raise ApiValidationError(found.errors)
        cases = self.paginate_queryset(found.qs)
        access_log_list(request, cases=cases)
        return self.get_paginated_response(CaseReadSerializer(cases, many=True).data)


class CaseDetailView(ApiAuthMixin, APIView):
    """GET: one case, with ETag W/"<version>". PUT: replace its editable facts; send the
    version you read as `version` or as If-Match (a stale one: 409, or 412 for If-Match)."""

    @extend_schema(responses=CaseDetailSerializer, parameters=[_ETAG])
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request, pk)
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case)
        shown = _case_queryset().get(pk=pk)
        # The latest safe time of the next step (R-RPT-6), as the work queue shows it.
        shown.safe_time = selectors.safe_time_json(selectors.case_safe_time(case))
        return _with_etag(Response(CaseDetailSerializer(shown).data))

    @extend_schema(
        request=CaseWriteSerializer,
        responses={200: CaseReadSerializer},
        parameters=[_IF_MATCH, _ETAG],
    )
    def put(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request, pk, capability="work_cases")
        matched_version = _if_match_version(request, case)
        form = CaseWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        version = form.validated_data.get("version", matched_version)
        if version is None:
            raise ApiValidationError(
                {"version": ["Send the version you read (or If-Match), to detect conflicts."]}
            )
        services.case_update(
            case_id=case.pk, expected_version=version, details=form.details(), actor=request.user
        )
        return _with_etag(Response(CaseReadSerializer(_case_queryset().get(pk=pk)).data))


class CaseApproveView(ApiAuthMixin, APIView):
    """POST: the CMO's or Physician Designee's approval of the referral (R-REF-4)."""

    @extend_schema(request=None, responses={200: CaseReadSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request, pk, capability="decide_cases")
        services.referral_approve(case=case, actor=request.user)
        return Response(CaseReadSerializer(_case_queryset().get(pk=pk)).data)


class CaseWithdrawView(ApiAuthMixin, APIView):
    """POST {reason}: withdraw the case (any state before a determination is signed)."""

    @extend_schema(request=ReasonSerializer, responses={200: CaseReadSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request, pk, capability="work_cases")
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.case_withdraw(case=case, actor=request.user, reason=form.validated_data["reason"])
        return Response(CaseReadSerializer(_case_queryset().get(pk=pk)).data)


class CaseChecklistView(ApiAuthMixin, APIView):
    """GET: the referral file checklist a–i (R-FILE-2)."""

    @extend_schema(responses=ChecklistItemSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request, pk)
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="checklist")
        items = referral_file_checklist(case)
        return Response(ChecklistItemSerializer(items, many=True).data)


class MemberDetailView(ApiAuthMixin, APIView):
    """GET: a member's PHI; only roles with PHI access; every read is logged.

    A member is served only through a case, since the access log names the case
    (R-SEC-6): a member row without one (left by a refused intake before R-SEC-3) is a 404.
    """

    @extend_schema(responses=MemberSerializer)
    def get(self, request: Request, pk: int) -> Response:
        require_capability(request, "view_phi")
        member = get_object_or_404(Member, pk=pk)
        case = member.cases.order_by("-pk").first()
        if case is None:
            raise Http404("No case names this member.")
        access_log(request, action=AccessLog.Action.VIEW_MEMBER, case=case)
        return Response(MemberSerializer(member).data)
