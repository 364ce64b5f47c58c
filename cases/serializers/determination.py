"""Shapes of determinations, letters and closure in the REST API. Parsing and output only."""

from rest_framework import serializers

from cases.models import (
    Determination,
    Outcome,
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
