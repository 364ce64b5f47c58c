"""REST endpoints: the deadline preview (R-API-2) and a case's clocks (R-API-1)."""

from datetime import date

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Case
from imr.api import ApiAuthMixin
from imr.api.fields import LocalDateTimeField
from imr.roles import perm
from timelines.calendar import plan_zone
from timelines.rules import ALL_ORIGINS
from timelines.selectors import clocks_for_case, deadlines_preview


class StaffCanReadDeadlines(BasePermission):
    """UM staff, CMO and Administrators: "imr.work_cases" or "imr.view_phi"."""

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return user.has_perm(perm("work_cases")) or user.has_perm(perm("view_phi"))


class PreviewQuerySerializer(serializers.Serializer):
    review_type = serializers.ChoiceField(choices=["standard", "expedited", "retrospective"])
    received_at = LocalDateTimeField()
    imro_received_at = LocalDateTimeField(required=False)
    extended = serializers.BooleanField(required=False, default=False)
    holidays = serializers.CharField(required=False, allow_blank=True)
    response_needed_by = serializers.DateField(required=False)
    origin = serializers.ChoiceField(choices=sorted(ALL_ORIGINS), required=False)

    def validate_holidays(self, value: str) -> dict[date, str]:
        try:
            return {
                date.fromisoformat(part.strip()): "given in the request"
                for part in value.split(",")
                if part.strip()
            }
        except ValueError:
            raise serializers.ValidationError("Use YYYY-MM-DD,YYYY-MM-DD,…") from None


class RuleRowSerializer(serializers.Serializer):
    """The rules-table row a clock uses (R-DL-16)."""

    key = serializers.CharField()
    description = serializers.CharField()
    citation = serializers.CharField()
    origins = serializers.ListField(child=serializers.CharField())
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    last_reviewed = serializers.DateField()


class PreviewClockSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.CharField(help_text="ISO-8601 with the plan zone's offset.")
    rule = RuleRowSerializer()
    trigger = serializers.CharField()
    started_at = serializers.CharField()
    on_pass = serializers.CharField()
    citation = serializers.CharField()
    explanation = serializers.JSONField()


class PreviewSerializer(serializers.Serializer):
    review_type = serializers.CharField()
    time_zone = serializers.CharField()
    clocks = PreviewClockSerializer(many=True)


class CaseClockSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    status = serializers.CharField()
    started_at = serializers.CharField()
    due_at = serializers.CharField()
    stopped_at = serializers.CharField(allow_null=True)
    extended = serializers.BooleanField()
    due_window = serializers.CharField()
    time_left = serializers.CharField()
    explanation = serializers.JSONField()


class CaseClocksSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    clocks = CaseClockSerializer(many=True)


class PreviewView(ApiAuthMixin, APIView):
    """GET /api/v1/deadlines/preview?review_type=…&received_at=…: the same as the command."""

    permission_classes = [IsAuthenticated, StaffCanReadDeadlines]

    @extend_schema(parameters=[PreviewQuerySerializer], responses=PreviewSerializer)
    def get(self, request: Request) -> Response:
        query = PreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone = plan_zone()
        clocks = deadlines_preview(**query.validated_data)
        return Response(
            {
                "review_type": query.validated_data["review_type"],
                "time_zone": zone.key,
                "clocks": [clock.as_dict(zone) for clock in clocks],
            }
        )


class CaseClocksView(ApiAuthMixin, APIView):
    """GET /api/v1/cases/<id>/clocks/: the case's clocks with their explanations."""

    permission_classes = [IsAuthenticated, StaffCanReadDeadlines]

    @extend_schema(responses=CaseClocksSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            return Response({"detail": "No such case."}, status=status.HTTP_404_NOT_FOUND)
        zone = plan_zone()
        return Response(
            {
                "case": case.pk,
                "clocks": [
                    {
                        "name": item.clock.name,
                        "label": item.label,
                        "status": item.clock.status,
                        "started_at": item.clock.started_at.astimezone(zone).isoformat(),
                        "due_at": item.due_local.isoformat(),
                        "stopped_at": (
                            item.clock.stopped_at.astimezone(zone).isoformat()
                            if item.clock.stopped_at
                            else None
                        ),
                        "extended": item.clock.extended,
                        "due_window": item.badge,
                        "time_left": item.time_left,
                        "explanation": item.explanation,
                    }
                    for item in clocks_for_case(case)
                ],
            }
        )
