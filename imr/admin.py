from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from imr.admin_access import AdministratorOnly
from imr.api.auth import api_token_issue, api_token_revoke
from imr.models import ApiToken, Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "detail")
    readonly_fields = ("name", "beat_at", "detail")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorOnly, admin.ModelAdmin):
    """Administrators issue and revoke API tokens; a token is never edited or deleted.

    Access is by the "imr.administer" capability (AdministratorOnly; the change page of an
    issued token is read-only). The key is shown once, in the message after "Save"; only
    its hash is stored. Tokens are revoked, never deleted: the record of who could act stays.
    """

    list_display = (
        "name",
        "user",
        "key_prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "user__username", "key_prefix")
    actions = ["revoke"]
    issued_fields = (
        "name",
        "user",
        "key_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    )

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple:
        return self.issued_fields if obj else ("name", "user", "expires_at")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple:
        return self.issued_fields if obj else ()

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            return  # nothing on an issued token is editable
        token, key = api_token_issue(
            user=obj.user, name=obj.name, created_by=request.user, expires_at=obj.expires_at
        )
        obj.pk = token.pk
        self.message_user(
            request,
            f"Token issued. Copy the key now; it is not shown again: {key}",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = sum(api_token_revoke(token=token, actor=request.user) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
