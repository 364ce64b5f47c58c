"""API shapes of the registry and the IMRO loop. Input serializers only parse."""

from django.utils import timezone
from rest_framework import serializers

from imr.api.fields import LocalDateTimeField
from reviewers.models import (
    Assignment,
    ConflictAttestation,
    ContactChannel,
    ContactLogEntry,
    DeliveryChannel,
    Imro,
    InformationRequest,
    Recommendation,
    Review,
    Specialist,
    Submission,
)

_CHANNELS = "One of: " + ", ".join(ContactChannel.values)


class ImroSerializer(serializers.ModelSerializer):
    under_contract = serializers.SerializerMethodField()

    class Meta:
        model = Imro
        fields = [
            "id",
            "name",
            "contract_start",
            "contract_end",
            "under_contract",
            "contact_name",
            "contact_phone",
            "contact_email",
            "secure_delivery_address",
            "charge_standard",
            "charge_expedited",
            "charge_retrospective",
        ]

    def get_under_contract(self, imro: Imro) -> bool:
        return not imro.contract_problems(timezone.localdate())


class SpecialistSerializer(serializers.ModelSerializer):
    specialty = serializers.StringRelatedField()
    subspecialty = serializers.StringRelatedField()
    imro = serializers.StringRelatedField()
    ineligibility_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Specialist
        fields = [
            "id",
            "name",
            "specialty",
            "subspecialty",
            "board_certified",
            "board_certification_expires",
            "license_state",
            "license_number",
            "license_expires",
            "actively_practicing",
            "imro",
            "charge_per_review",
            "qualifications",
            "ineligibility_reasons",
        ]

    def get_ineligibility_reasons(self, specialist: Specialist) -> list[str]:
        return specialist.ineligibility_reasons(timezone.localdate())


class SuggestionSerializer(serializers.Serializer):
    specialist = SpecialistSerializer()
    match = serializers.CharField()
    charge = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)


class AssignmentSerializer(serializers.ModelSerializer):
    specialist = SpecialistSerializer()
    imro = serializers.StringRelatedField()
    assigned_by = serializers.StringRelatedField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "specialist",
            "imro",
            "assigned_by",
            "assigned_at",
            "suggested",
            "outside_suggestion_reason",
            "ended_at",
            "ended_reason",
        ]


class AttestationSerializer(serializers.ModelSerializer):
    has_conflict = serializers.BooleanField(read_only=True)
    declared = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ConflictAttestation
        fields = [
            "id",
            "specialist",
            *(name for name, _ in ConflictAttestation.ITEMS),
            "has_conflict",
            "declared",
            "notes",
            "attested_at",
            "via_portal",
        ]


class SubmissionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.StringRelatedField()
    delivery_channel = serializers.CharField(read_only=True, help_text="portal or email")

    class Meta:
        model = Submission
        fields = [
            "id",
            "assignment",
            "submitted_by",
            "submitted_at",
            "imro_received_at",
            "delivery_channel",
            "review_type",
            "charge_to_plan",
        ]


class ContactSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    channel = serializers.CharField(read_only=True, help_text=_CHANNELS)

    class Meta:
        model = ContactLogEntry
        fields = ["id", "at", "by", "channel", "with_whom", "summary", "recorded_at"]


class InformationRequestSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = InformationRequest
        fields = ["id", "asked_at", "question", "is_open", "answered_at", "answer"]


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "assignment",
            "document",
            "recommendation",
            "rationale",
            "documents_reviewed",
            "reviewer_qualifications",
            "received_at",
            "received_via",
            "timely",
        ]


# Input.


class AssignmentInput(serializers.Serializer):
    specialist = serializers.PrimaryKeyRelatedField(queryset=Specialist.objects.all())
    outside_suggestion_reason = serializers.CharField(required=False, allow_blank=True, default="")


class AttestationInput(serializers.Serializer):
    plan_or_officers = serializers.BooleanField()
    treating_physician_or_group = serializers.BooleanField()
    facility = serializers.BooleanField()
    manufacturer = serializers.BooleanField()
    member_or_family = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def answers(self) -> dict[str, bool]:
        return {name: self.validated_data[name] for name, _ in ConflictAttestation.ITEMS}


class StaffAttestationInput(AttestationInput):
    specialist = serializers.PrimaryKeyRelatedField(queryset=Specialist.objects.all())


class SubmitInput(serializers.Serializer):
    delivery = serializers.ChoiceField(
        choices=DeliveryChannel.choices, required=False, default=DeliveryChannel.PORTAL
    )


class ContactInput(serializers.Serializer):
    at = LocalDateTimeField()
    # A plain string (the service refuses others) so that the schema's "channel" enum
    # name stays free for other apps.
    channel = serializers.CharField(help_text=_CHANNELS)
    with_whom = serializers.CharField(max_length=200)
    summary = serializers.CharField()


class QuestionInput(serializers.Serializer):
    question = serializers.CharField()


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField()


class ReviewInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    rationale = serializers.CharField()
    documents_reviewed = serializers.CharField()
    reviewer_qualifications = serializers.CharField()


class StaffReviewInput(ReviewInput):
    received_at = LocalDateTimeField()


# The portal: de-identified values only (reviewers.selectors.PortalCase).


class PortalLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class PortalListItemSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    internal_id = serializers.CharField()
    review_type = serializers.CharField()
    reviewer = serializers.CharField()
    state = serializers.CharField()


class PortalCaseSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    internal_id = serializers.CharField()
    review_type = serializers.CharField()
    reviewer = serializers.CharField()
    submitted = serializers.BooleanField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    response_needed_by = serializers.DateField(allow_null=True)
    services = PortalLineSerializer(many=True)
    diagnoses = PortalLineSerializer(many=True)
    questions = serializers.ListField(child=serializers.CharField())
    attestation = AttestationSerializer(allow_null=True)
    information_requests = InformationRequestSerializer(many=True)
    review = ReviewSerializer(allow_null=True)
