"""Shapes of cases in the REST API (R-API-1). Parsing and output only; rules are in services."""

from rest_framework import serializers

from cases.models import Case, Circumstance, Language, Member, ReviewType, Status
from cases.searches import SEARCH_TERM_MAX
from cases.services import CaseDetails, ServiceLine
from imr.api.fields import LocalDateTimeField


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = [
            "id",
            "internal_id",
            "first_name",
            "last_name",
            "cin",
            "date_of_birth",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "language",
        ]
        read_only_fields = ["id", "internal_id"]


class CaseSearchSerializer(serializers.Serializer):
    """The body of POST /api/v1/cases/search/: the term, and the list's filters if wanted.

    The term is in the body, not the query string, so that it never reaches a URL or an
    access log (issue 11).
    """

    q = serializers.CharField(
        max_length=SEARCH_TERM_MAX,
        help_text="TAR number or internal identifier (exact), or member name (prefix).",
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices),
        required=False,
        help_text="One or more statuses.",
    )
    review_type = serializers.ChoiceField(choices=ReviewType.choices, required=False)
    owner = serializers.CharField(required=False, help_text="The owner's username.")
    received_after = LocalDateTimeField(
        required=False, help_text="Received at the plan at or after this ISO-8601 time."
    )
    received_before = LocalDateTimeField(
        required=False, help_text="Received at the plan before this ISO-8601 time."
    )


class ServiceLineSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=10)
    description = serializers.CharField(max_length=300)


class CaseReadSerializer(serializers.ModelSerializer):
    internal_patient_id = serializers.CharField(source="member.internal_id", read_only=True)
    member_id = serializers.IntegerField(read_only=True)
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    circumstances = serializers.SerializerMethodField()
    services = ServiceLineSerializer(many=True, read_only=True)
    diagnoses = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "version",
            "status",
            "internal_patient_id",
            "member_id",
            "owner",
            "received_at_plan",
            *Case.REFERRAL_FACTS,
            "circumstances",
            "services",
            "diagnoses",
            "questions",
            "referral_approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_circumstances(self, case: Case) -> list[int]:
        return [c.circumstance for c in case.circumstances.all()]

    def get_diagnoses(self, case: Case) -> list[dict[str, str]]:
        return [{"code": d.code, "description": d.description} for d in case.diagnoses.all()]

    def get_questions(self, case: Case) -> list[str]:
        return [q.text for q in case.questions.all()]


class SafeTimeSerializer(serializers.Serializer):
    """The latest safe time of the case's next step (R-RPT-6), as the work queue shows it.

    Given the dictionary of cases.selectors.safe_time_json: its times are already in the
    plan's time zone with their offset, and DRF writes a string as it is."""

    act_by = serializers.DateTimeField(
        allow_null=True,
        help_text="The latest moment the next step can happen with every running clock "
        "still met, in the plan's time zone (ISO 8601 with offset): each running clock's "
        "due time, less the IMRO's own median turnaround (12 months, per organisation) "
        "while the file is still to be sent; the earliest of them. Null when no clock runs.",
    )
    next_step = serializers.CharField(
        help_text='The step it is for, in words: "Send the file", "Chase the IMRO", '
        '"Sign the determination", "Send the notices", …; empty for a closed case.'
    )
    at_risk = serializers.BooleanField(
        help_text="True when the act-by time has passed, or when the file is with the IMRO "
        "and its median turnaround puts the review after the act-by time."
    )
    reason = serializers.CharField(help_text="Why it is at risk, in words; empty when not.")
    expected_review_at = serializers.DateTimeField(
        allow_null=True,
        help_text="While the file is with the IMRO: its receipt plus the IMRO's median "
        "turnaround, in the plan's time zone; null otherwise.",
    )


class CaseDetailSerializer(CaseReadSerializer):
    """One case as GET /api/v1/cases/{id}/ returns it: the list's shape and its latest safe
    time (set on the instance as `safe_time` by the view)."""

    safe_time = SafeTimeSerializer(
        read_only=True,
        help_text="The latest safe time of the case's next step (R-RPT-6); its fields are "
        "null or empty for a case with no running clock.",
    )

    class Meta(CaseReadSerializer.Meta):
        fields = [*CaseReadSerializer.Meta.fields, "safe_time"]
        read_only_fields = fields


class CaseWriteSerializer(serializers.ModelSerializer):
    """The editable facts of a case (Case.REFERRAL_FACTS, shaped by the model) and its
    child rows; for create also the member and practitioner. Parsing only: it never saves."""

    version = serializers.IntegerField(required=False, help_text="Required for updates.")
    circumstances = serializers.ListField(
        child=serializers.ChoiceField(choices=Circumstance.choices), allow_empty=False
    )
    services = ServiceLineSerializer(many=True)
    diagnosis_codes = serializers.ListField(child=serializers.CharField(max_length=10))
    questions = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    received_at_plan = LocalDateTimeField()

    class Meta:
        model = Case
        fields = [
            "version",
            "received_at_plan",
            *Case.REFERRAL_FACTS,
            "circumstances",
            "services",
            "diagnosis_codes",
            "questions",
        ]
        extra_kwargs = {"review_type": {"required": True}}

    def details(self) -> CaseDetails:
        data = self.validated_data
        return CaseDetails(
            received_at_plan=data["received_at_plan"],
            circumstances=[int(c) for c in data["circumstances"]],
            services=[ServiceLine(**line) for line in data["services"]],
            diagnosis_codes=data["diagnosis_codes"],
            questions=data["questions"],
            **{name: data[name] for name in Case.REFERRAL_FACTS if name in data},
        )


class PractitionerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    npi = serializers.RegexField(r"^\d{10}$", required=False, allow_blank=True, default="")
    specialty = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    use_on_file = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms the practitioner on file when the NPI is on file under another "
        "name; without it such an intake is refused (the typed name is never replaced).",
    )


class MemberInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    cin = serializers.CharField(max_length=20)
    date_of_birth = serializers.DateField()
    address_line1 = serializers.CharField(max_length=200)
    address_line2 = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    city = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=2, default="CA")
    postal_code = serializers.CharField(max_length=10)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)


class CaseCreateSerializer(CaseWriteSerializer):
    member = MemberInputSerializer()
    practitioner = PractitionerInputSerializer()

    class Meta(CaseWriteSerializer.Meta):
        fields = [*CaseWriteSerializer.Meta.fields, "member", "practitioner"]


class CaseCreatedSerializer(CaseReadSerializer):
    """The case intake opened, and the member fields it changed (names only, R-SEC-3)."""

    member_changes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(CaseReadSerializer.Meta):
        fields = [*CaseReadSerializer.Meta.fields, "member_changes"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ChecklistItemSerializer(serializers.Serializer):
    letter = serializers.CharField()
    label = serializers.CharField()
    present = serializers.BooleanField()
    detail = serializers.CharField()
