"""/api/v1/cases/<id>/submission/: the referral file sent to the reviewer (R-TRK-1)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import access_log
from cases.models import AccessLog
from cases.services import case_submit
from imr.api import ApiAuthMixin
from imr.api.schema import Nullable
from reviewers.access import get_case_for_staff
from reviewers.models import Submission
from reviewers.serializers import SubmissionSerializer, SubmitInput


class SubmissionView(ApiAuthMixin, APIView):
    """GET: the submission (or null). POST {delivery: portal|email}: submit (R-TRK-1)."""

    @extend_schema(responses={200: Nullable(SubmissionSerializer)})
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="submission")
        submission = Submission.objects.filter(case=case).first()
        return Response(SubmissionSerializer(submission).data if submission else None)

    @extend_schema(request=SubmitInput, responses={201: SubmissionSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="work_cases")
        form = SubmitInput(data=request.data)
        form.is_valid(raise_exception=True)
        submission = case_submit(
            case=case, actor=request.user, delivery=form.validated_data["delivery"]
        )
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)
