"""Administrators manage letter templates here; case data itself never appears in the admin."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cases.models.letters import LetterInsert, LetterTemplate
from cases.services.letter_templates import letter_insert_publish, letter_template_publish
from imr.admin_access import AdministratorOnly


class VersionedTextAdmin(AdministratorOnly, admin.ModelAdmin):
    """A versioned text (letter template, insert): a new wording is added as the next
    version through its publish service; a published version is history, read-only."""

    key: tuple[str, str]  # the fields a version is numbered under, besides the body

    def publish(self, **fields):
        raise NotImplementedError

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ("version", "active", "created_at")
        return self.fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        try:
            published = self.publish(
                **{name: getattr(obj, name) for name in self.key},
                body=obj.body,
                change_note=obj.change_note,
                actor=request.user,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")
            return
        obj.pk = published.pk


@admin.register(LetterTemplate)
class LetterTemplateAdmin(VersionedTextAdmin):
    key = ("party", "language")
    list_display = ("party", "language", "version", "active", "created_at", "change_note")
    list_filter = ("party", "language", "active")
    fields = ("party", "language", "body", "change_note", "version", "active", "created_at")

    def publish(self, **fields):
        return letter_template_publish(**fields)


@admin.register(LetterInsert)
class LetterInsertAdmin(VersionedTextAdmin):
    key = ("kind", "language")
    list_display = ("kind", "language", "version", "active", "created_at", "change_note")
    list_filter = ("kind", "language", "active")
    fields = ("kind", "language", "body", "change_note", "version", "active", "created_at")

    def publish(self, **fields):
        return letter_insert_publish(**fields)
