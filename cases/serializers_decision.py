"""Shapes of determinations, letters and closure in the REST API. Parsing and output only."""

from rest_framework import serializers

from cases.models import (
    Case,
    CaseResolution,
    Determination,
    Letter,
    LetterChannel,
    Outcome,
    Party,
    TarAttachment,
    TarBundle,
)


class DeterminationSerializer(serializers.ModelSerializer):
    signed_by = serializers.CharField(source="signed_by.get_username", default=None)
    created_by = serializers.CharField(source="created_by.get_username", read_only=True)

    class Meta:
        model = Determination
        fields = [
            "id",
            "case",
            "amends",
            "outcome",
            "rationale",
            "criteria_used",
            "follows_imro",
            "modification",
            "amendment_reason",
            "signed_by",
            "signed_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class DeterminationInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    rationale = serializers.CharField()
    criteria_used = serializers.CharField(required=False, allow_blank=True, default="")
    follows_imro = serializers.BooleanField()
    modification = serializers.CharField(required=False, allow_blank=True, default="")


class AmendmentInputSerializer(DeterminationInputSerializer):
    reason = serializers.CharField()


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


class LetterChecksSerializer(serializers.Serializer):
    party = serializers.CharField()
    determination_id = serializers.IntegerField()
    language = serializers.CharField()
    template_version = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResolutionSerializer(serializers.ModelSerializer):
    resolved_by = serializers.CharField(source="resolved_by.get_username", read_only=True)

    class Meta:
        model = CaseResolution
        fields = ["case", "resolved_by", "resolved_at", "note"]
        read_only_fields = fields


class TarBundleSerializer(serializers.ModelSerializer):
    built_by = serializers.CharField(source="built_by.get_username", read_only=True)

    class Meta:
        model = TarBundle
        fields = [
            "id",
            "case",
            "number",
            "built_by",
            "built_at",
            "sha256",
            "size",
            "summary_pages",
            "manifest",
            "handed_off_to",
        ]
        read_only_fields = fields


class TarAttachmentInputSerializer(serializers.Serializer):
    tar_number = serializers.CharField(max_length=30)


class TarAttachmentSerializer(serializers.ModelSerializer):
    confirmed_by = serializers.CharField(source="confirmed_by.get_username", read_only=True)

    class Meta:
        model = TarAttachment
        fields = ["case", "bundle", "tar_number", "confirmed_by", "confirmed_at"]
        read_only_fields = fields


class CaseStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "status", "version"]
        read_only_fields = fields
