"""Administrators keep the reviewer registry (R-REV-1); history is kept for every change.

Access is by the "imr.administer" capability, like the rest of the admin. Registry
rows are never deleted (assignments and submissions point at them): a specialist who
stops reviewing is marked not actively practicing, an IMRO's contract is ended.
"""

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from imr.admin_access import AdministratorOnly
from notifications.services import users_with_capability
from reviewers.models import Imro, Specialist, Specialty


class RegistryAdmin(AdministratorOnly, SimpleHistoryAdmin):
    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: object
    ) -> ModelChoiceField:
        # Portal accounts must hold the IMRO reviewer role: never link a staff login.
        if db_field.name in ("user", "coordinator"):
            kwargs["queryset"] = users_with_capability("imr.review_assigned_cases")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Specialty)
class SpecialtyAdmin(RegistryAdmin):
    list_display = ("name", "board")
    list_filter = (("board", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "aliases")
    filter_horizontal = ("similar",)


@admin.register(Imro)
class ImroAdmin(RegistryAdmin):
    list_display = ("name", "contract_start", "contract_end", "contact_name", "charge_standard")
    search_fields = ("name", "contact_name")


@admin.register(Specialist)
class SpecialistAdmin(RegistryAdmin):
    list_display = (
        "name",
        "specialty",
        "subspecialty",
        "imro",
        "board_certification_expires",
        "license_expires",
        "actively_practicing",
    )
    list_filter = ("actively_practicing", "imro", ("specialty", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "license_number")
    autocomplete_fields = ("specialty", "subspecialty")
