"""API shapes of resolution, the TAR bundle and closure. Parsing and output only."""

from rest_framework import serializers

from cases.models import (
    Case,
    CaseResolution,
    TarAttachment,
    TarBundle,
)


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
