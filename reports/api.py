"""GET /api/v1/reports/quac/: the QUAC report's figures as JSON, same as page and exports."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imr.api import ApiAuthMixin
from reports.access import may_view_reports
from reports.exports import report_json
from reports.forms import ReportForm
from reports.models import ReportFormat, ReportSource
from reports.services import report_pull


class CanViewReports(BasePermission):
    """QUAC, the CMO and Administrators: "imr.view_reports"."""

    def has_permission(self, request: Request, view: object) -> bool:
        return may_view_reports(request.user)


_PARAMETERS = [
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, required=True, description="IMRO receipt from"
    ),
    OpenApiParameter(
        "date_to", OpenApiTypes.DATE, required=True, description="IMRO receipt to, inclusive"
    ),
    OpenApiParameter("review_type", str, enum=["standard", "expedited", "retrospective"]),
    OpenApiParameter("circumstance", int, enum=[1, 2, 3, 4, 5, 6], description="VI.B circumstance"),
    OpenApiParameter("specialty", str),
    OpenApiParameter("imro", str, description='An IMRO id, or "independent"'),
]


class QuacReportView(ApiAuthMixin, APIView):
    """The de-identified QUAC report for a range (R-RPT-1); each call is recorded."""

    permission_classes = [IsAuthenticated, CanViewReports]

    @extend_schema(parameters=_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        form = ReportForm(request.query_params)
        if not form.is_valid():
            # The project's handler answers it as problem+json, one entry per field.
            raise ValidationError(
                {field: list(messages) for field, messages in form.errors.items()}
            )
        report = report_pull(
            params=form.params, user=request.user, source=ReportSource.API, format=ReportFormat.JSON
        )
        return Response(report_json(report))
