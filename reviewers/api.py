"""/api/v1/ endpoints of the registry, the IMRO loop and the reviewer portal (R-API-1).

The same access helpers as the pages: staff read with PHI access and act with the
case-work capability; reviewers reach only their current assignments (404 otherwise).
A refusal is a 400 problem naming every reason (imr.api.errors maps it).
"""

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from cases.access import access_log, require_capability
from cases.models import AccessLog
from cases.packet import packet_render
from imr.api import ApiAuthMixin
from imr.api.schema import Nullable
from reviewers import services
from reviewers.access import (
    get_assignment_for_reviewer,
    get_case_for_staff,
    require_staff_reader,
)
from reviewers.gates import current_assignment
from reviewers.models import (
    ConflictAttestation,
    ContactLogEntry,
    Imro,
    InformationRequest,
    Specialist,
)
from reviewers.selectors import portal_case, portal_case_list, reviewer_suggestions
from reviewers.serializers import (
    AnswerInput,
    AssignmentInput,
    AssignmentSerializer,
    AttestationInput,
    AttestationSerializer,
    ContactInput,
    ContactSerializer,
    ImroSerializer,
    InformationRequestSerializer,
    PortalCaseSerializer,
    PortalListItemSerializer,
    QuestionInput,
    SpecialistSerializer,
    StaffAttestationInput,
    SuggestionSerializer,
)


def _act(form: Serializer, action: Callable[[dict], object], out: type[Serializer]) -> Response:
    """Parse, run the service, answer 201 with the result (a refusal is the handler's)."""
    form.is_valid(raise_exception=True)
    return Response(out(action(form.validated_data)).data, status=status.HTTP_201_CREATED)


# The registry (read-only here; Administrators edit it in the admin).


class ImroListView(ApiAuthMixin, generics.ListAPIView):
    serializer_class = ImroSerializer
    filter_backends: list = []

    def get_queryset(self):
        require_staff_reader(self.request)
        return Imro.objects.order_by("name")


class ImroDetailView(ApiAuthMixin, generics.RetrieveAPIView):
    serializer_class = ImroSerializer

    def get_queryset(self):
        require_staff_reader(self.request)
        return Imro.objects.all()


class SpecialistListView(ApiAuthMixin, generics.ListAPIView):
    serializer_class = SpecialistSerializer
    filter_backends: list = []

    def get_queryset(self):
        require_staff_reader(self.request)
        return Specialist.objects.select_related("specialty", "subspecialty", "imro")


class SpecialistDetailView(ApiAuthMixin, generics.RetrieveAPIView):
    serializer_class = SpecialistSerializer

    def get_queryset(self):
        require_staff_reader(self.request)
        return Specialist.objects.select_related("specialty", "subspecialty", "imro")


# One case's IMRO loop, for UM staff.


class SuggestionsView(ApiAuthMixin, APIView):
    """GET: eligible reviewers of the same or similar specialty, no conflict (R-REV-2)."""

    @extend_schema(responses=SuggestionSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(
            request, action=AccessLog.Action.VIEW_CASE, case=case, resource="reviewer suggestions"
        )
        return Response(SuggestionSerializer(reviewer_suggestions(case), many=True).data)


class AssignmentView(ApiAuthMixin, APIView):
    """GET: the current assignment (or null). POST {specialist, outside_suggestion_reason}."""

    @extend_schema(responses={200: Nullable(AssignmentSerializer)})
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="assignment")
        assignment = current_assignment(case)
        return Response(AssignmentSerializer(assignment).data if assignment else None)

    @extend_schema(request=AssignmentInput, responses={201: AssignmentSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="work_cases")
        return _act(
            AssignmentInput(data=request.data),
            lambda data: services.assignment_create(case=case, actor=request.user, **data),
            AssignmentSerializer,
        )


class AttestationListView(ApiAuthMixin, APIView):
    """GET: every attestation on the case. POST: record a signed one received by UM staff."""

    @extend_schema(responses=AttestationSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="attestations")
        attestations = ConflictAttestation.objects.filter(case=case)
        return Response(AttestationSerializer(attestations, many=True).data)

    @extend_schema(request=StaffAttestationInput, responses={201: AttestationSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="work_cases")
        form = StaffAttestationInput(data=request.data)
        return _act(
            form,
            lambda data: services.attestation_record(
                case=case,
                specialist=data["specialist"],
                actor=request.user,
                answers=form.answers(),
                notes=data["notes"],
            ),
            AttestationSerializer,
        )


class ContactListView(ApiAuthMixin, APIView):
    """GET: the contact log in order. POST {at, channel, with_whom, summary} (R-TRK-2)."""

    @extend_schema(responses=ContactSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="contact log")
        entries = ContactLogEntry.objects.filter(case=case).select_related("by")
        return Response(ContactSerializer(entries, many=True).data)

    @extend_schema(request=ContactInput, responses={201: ContactSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="work_cases")
        return _act(
            ContactInput(data=request.data),
            lambda data: services.contact_log_add(case=case, actor=request.user, **data),
            ContactSerializer,
        )


class InformationRequestListView(ApiAuthMixin, APIView):
    """GET: the reviewer's questions on the case, open and answered."""

    @extend_schema(responses=InformationRequestSerializer(many=True))
    def get(self, request: Request, case_pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="view_phi")
        access_log(
            request, action=AccessLog.Action.VIEW_CASE, case=case, resource="information requests"
        )
        questions = InformationRequest.objects.filter(case=case)
        return Response(InformationRequestSerializer(questions, many=True).data)


class InformationRequestAnswerView(ApiAuthMixin, APIView):
    """POST {answer}: UM staff answer a question (no member PHI in the answer)."""

    @extend_schema(request=AnswerInput, responses={201: InformationRequestSerializer})
    def post(self, request: Request, case_pk: int, pk: int) -> Response:
        case = get_case_for_staff(request, case_pk, capability="work_cases")
        question = get_object_or_404(InformationRequest, case=case, pk=pk)
        return _act(
            AnswerInput(data=request.data),
            lambda data: services.information_request_answer(
                information_request=question, actor=request.user, answer=data["answer"]
            ),
            InformationRequestSerializer,
        )


# The reviewer portal.


class PortalCaseListView(ApiAuthMixin, APIView):
    @extend_schema(operation_id="portal_cases_list", responses=PortalListItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        require_capability(request, "review_assigned_cases")
        items = portal_case_list(request.user)
        return Response(PortalListItemSerializer(items, many=True).data)


class PortalCaseView(ApiAuthMixin, APIView):
    """GET: the de-identified case; the view is access-logged (R-TRK-8)."""

    @extend_schema(operation_id="portal_case_retrieve", responses=PortalCaseSerializer)
    def get(self, request: Request, case_pk: int) -> Response:
        assignment = get_assignment_for_reviewer(request, case_pk)
        access_log(request, action=AccessLog.Action.VIEW_PORTAL, case=assignment.case)
        return Response(PortalCaseSerializer(portal_case(assignment)).data)


class PortalPacketView(ApiAuthMixin, APIView):
    """GET: the packet PDF, once the case is submitted; the download is access-logged."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, case_pk: int) -> HttpResponse:
        assignment = get_assignment_for_reviewer(request, case_pk)
        if not portal_case(assignment).submitted:
            raise NotFound("The file has not been sent to you yet.")
        pdf = packet_render(case=assignment.case)
        access_log(request, action=AccessLog.Action.DOWNLOAD_PACKET, case=assignment.case)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="IMR packet {assignment.case.member.internal_id}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class PortalAttestationView(ApiAuthMixin, APIView):
    """POST: the assigned reviewer's own attestation (H&S Code 1374.32(c))."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=AttestationInput, responses={201: AttestationSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        assignment = get_assignment_for_reviewer(request, case_pk)
        form = AttestationInput(data=request.data)
        return _act(
            form,
            lambda data: services.attestation_record(
                case=assignment.case,
                specialist=assignment.specialist,
                actor=request.user,
                answers=form.answers(),
                notes=data["notes"],
                via_portal=True,
            ),
            AttestationSerializer,
        )


class PortalQuestionView(ApiAuthMixin, APIView):
    """POST {question}: ask the plan for information (open until answered)."""

    @extend_schema(request=QuestionInput, responses={201: InformationRequestSerializer})
    def post(self, request: Request, case_pk: int) -> Response:
        assignment = get_assignment_for_reviewer(request, case_pk)
        return _act(
            QuestionInput(data=request.data),
            lambda data: services.information_request_ask(
                case=assignment.case, actor=request.user, question=data["question"]
            ),
            InformationRequestSerializer,
        )
