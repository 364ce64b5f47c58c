"""REST endpoints for determinations, letters and closure (R-API-1), with the staff
pages' permissions: deciding needs decide_cases, letters and the TAR file work_cases,
reading and downloading view_phi (downloads are logged). Every view mixes in
ApiAuthMixin first."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import access_log, get_case_for_user
from cases.models import AccessLog
from cases.serializers.determination import (
    AmendmentInputSerializer,
    DeterminationInputSerializer,
    DeterminationSerializer,
)
from cases.services import determination_amend, determination_record, determination_sign
from imr.api import ApiAuthMixin
from imr.reauth import require_recent_reauthentication


class DeterminationListView(ApiAuthMixin, APIView):
    """GET: the case's determinations, amendments included. POST: record (or change the
    unsigned draft); CMO or Physician Designee only."""

    @extend_schema(responses=DeterminationSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk)
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="determinations")
        rows = case.determinations.select_related("signed_by", "created_by")
        return Response(DeterminationSerializer(rows, many=True).data)

    @extend_schema(request=DeterminationInputSerializer, responses={201: DeterminationSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        form = DeterminationInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = determination_record(case=case, actor=request.user, **form.validated_data)
        return Response(DeterminationSerializer(result).data, status=status.HTTP_201_CREATED)


class DeterminationSignView(ApiAuthMixin, APIView):
    """POST: sign. A signature act (R-SEC-2): only from the signer's own browser session
    with the password entered within REAUTH_WINDOW_MINUTES; a token gets 403."""

    @extend_schema(request=None, responses={200: DeterminationSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        determination = get_object_or_404(case.determinations, pk=pk)
        require_recent_reauthentication(request, act="sign a determination")
        result = determination_sign(determination=determination, actor=request.user)
        return Response(DeterminationSerializer(result).data, status=status.HTTP_200_OK)


class DeterminationAmendView(ApiAuthMixin, APIView):
    """POST: a signed amendment; a signature act like signing (R-SEC-2)."""

    @extend_schema(request=AmendmentInputSerializer, responses={201: DeterminationSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_user(request, case_pk, capability="decide_cases")
        determination = get_object_or_404(case.determinations, pk=pk)
        require_recent_reauthentication(request, act="sign an amendment")
        form = AmendmentInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = determination_amend(
            determination=determination, actor=request.user, **form.validated_data
        )
        return Response(DeterminationSerializer(result).data, status=status.HTTP_201_CREATED)
