"""API shapes of letters and their pre-send checks. Parsing and output only."""

from rest_framework import serializers

from cases.models import (
    Letter,
    LetterChannel,
    OralNoticeMethod,
    Party,
)


class LetterSerializer(serializers.ModelSerializer):
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    sent_by = serializers.CharField(source="sent_by.get_username", read_only=True)
    mailed_by = serializers.CharField(source="mailed_by.get_username", default=None)

    class Meta:
        model = Letter
        fields = [
            "id",
            "case",
            "determination",
            "party",
            "language",
            "template_version",
            "sha256",
            "size",
            "page_count",
            "channel",
            "sent_at",
            "sent_by",
            "mailed_at",
            "mailed_by",
        ]
        read_only_fields = fields


class LetterSendSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=Party.choices)
    determination_id = serializers.IntegerField(
        help_text="The determination the sender previewed; refused if it is no longer current."
    )
    channel = serializers.ChoiceField(choices=LetterChannel.choices, required=False)


class CheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class LetterChecksSerializer(serializers.Serializer):
    party = serializers.CharField()
    determination_id = serializers.IntegerField()
    language = serializers.CharField()
    template_version = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())
    notice_type = serializers.CharField()
    notice_label = serializers.CharField()
    checks = CheckSerializer(many=True)
    reading_grade = serializers.FloatField(allow_null=True)


class NoticeTextSerializer(serializers.Serializer):
    """The letter texts UM staff confirm (R-NOT-6, R-NOT-9); saving is the confirmation."""

    analysis_en = serializers.CharField(help_text="The reviewer's analysis in plain words.")
    condition_en = serializers.CharField(required=False, allow_blank=True, default="")
    analysis_es = serializers.CharField(required=False, allow_blank=True, default="")
    condition_es = serializers.CharField(required=False, allow_blank=True, default="")
    services_es = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="One line per service."
    )
    qualifications_es = serializers.CharField(required=False, allow_blank=True, default="")
    rationale_es = serializers.CharField(required=False, allow_blank=True, default="")
    criteria_es = serializers.CharField(required=False, allow_blank=True, default="")
    modification_es = serializers.CharField(required=False, allow_blank=True, default="")
    confirmed_at = serializers.DateTimeField(read_only=True)


class OralNoticeSerializer(serializers.Serializer):
    """The oral notice of an expedited decision (R-NOT-12)."""

    id = serializers.IntegerField(read_only=True)
    given_at = serializers.DateTimeField()
    given_to = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=OralNoticeMethod.choices)
    recorded_at = serializers.DateTimeField(read_only=True)
