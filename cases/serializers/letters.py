"""API shapes of letters and their pre-send checks. Parsing and output only."""

from rest_framework import serializers

from cases.models import (
    Letter,
    LetterChannel,
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
