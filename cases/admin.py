"""Administrators manage letter templates here; case data itself never appears in the admin."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cases.models.letters import LetterInsert, LetterTemplate
from cases.services.letter_templates import letter_insert_publish, letter_template_publish
from imr.admin_access import AdministratorOnly


@admin.register(LetterTemplate)
class LetterTemplateAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ("party", "language", "version", "active", "created_at", "change_note")
    list_filter = ("party", "language", "active")
    fields = ("party", "language", "body", "change_note", "version", "active", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: LetterTemplate | None = None):
        if obj is None:
            return ("version", "active", "created_at")
        # A published version is history: a new wording is added as a new version.
        return self.fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        try:
            published = letter_template_publish(
                party=obj.party,
                language=obj.language,
                body=obj.body,
                change_note=obj.change_note,
                actor=request.user,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")
            return
        obj.pk = published.pk


@admin.register(LetterInsert)
class LetterInsertAdmin(AdministratorOnly, admin.ModelAdmin):
    list_display = ("kind", "language", "version", "active", "created_at", "change_note")
    list_filter = ("kind", "language", "active")
    fields = ("kind", "language", "body", "change_note", "version", "active", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: LetterInsert | None = None):
        if obj is None:
            return ("version", "active", "created_at")
        return self.fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        try:
            published = letter_insert_publish(
                kind=obj.kind,
                language=obj.language,
                body=obj.body,
                change_note=obj.change_note,
                actor=request.user,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")
            return
        obj.pk = published.pk
