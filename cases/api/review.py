"""/api/v1/: the reviewer's written determination received (R-TRK-4, R-REV-3), recorded
by UM staff (cases/<id>/review/) or uploaded by the reviewer (portal/cases/<id>/review/)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import access_log
from cases.models import AccessLog
from cases.services import review_record
from imr.api import ApiAuthMixin
from imr.api.schema import Nullable
from reviewers.access import get_assignment_for_reviewer, get_case_for_staff
from reviewers.models import ReceivedVia, Review
from reviewers.serializers import ReviewInput, ReviewSerializer, StaffReviewInput


class ReviewView(ApiAuthMixin, APIView):
    """GET: the reviewer's determination (or null). POST (multipart): record one received
    outside the portal, with the time it arrived (R-TRK-4)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: Nullable(ReviewSerializer)})
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="review")
        review = Review.objects.filter(case=case).first()
        return Response(ReviewSerializer(review).data if review else None)

    @extend_schema(request=StaffReviewInput, responses={201: ReviewSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="work_cases")
        form = StaffReviewInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        review = review_record(
            case=case,
            actor=request.user,
            uploaded_file=data.pop("file"),
            received_via=ReceivedVia.STAFF,
            **data,
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class PortalReviewView(ApiAuthMixin, APIView):
    """POST (multipart): upload the written determination with its structured fields."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ReviewInput, responses={201: ReviewSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        assignment = get_assignment_for_reviewer(request, case_pk)
        form = ReviewInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        review = review_record(
            case=assignment.case,
            actor=request.user,
            uploaded_file=data.pop("file"),
            received_via=ReceivedVia.PORTAL,
            **data,
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
