"""Shapes of documents in the REST API (R-API-1). Parsing and output only; no rules here."""

from django.urls import reverse
from rest_framework import serializers

from cases.models import Document, DocumentKind


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.get_username", read_only=True)
    is_current = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "kind",
            "kind_label",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "page_count",
            "uploaded_by",
            "uploaded_at",
            "author_name",
            "author_npi",
            "supersedes",
            "is_current",
            "download_url",
        ]
        read_only_fields = fields

    def get_is_current(self, document: Document) -> bool:
        replaced = self.context.get("replaced_ids")
        if replaced is not None:
            return document.pk not in replaced
        return not Document.objects.filter(supersedes=document).exists()

    def get_download_url(self, document: Document) -> str:
        return reverse("api-document-download", args=[document.case_id, document.pk])


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author_npi = serializers.CharField(required=False, allow_blank=True, max_length=10)


class DocumentSupersedeSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
