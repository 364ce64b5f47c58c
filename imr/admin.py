from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from imr.admin_access import AdministratorOnly
from imr.api.auth import api_token_issue, api_token_revoke, service_account_problems
from imr.models import ApiToken, Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "detail")
    readonly_fields = ("name", "beat_at", "detail")

    def has_add_permission(self, request) -> bool:
        return False


class ServiceAccountTokenForm(forms.ModelForm):
    """Issue a token for a service account only (R-SEC-2): a person creates their own
    under Account > API tokens, so nobody can act as the CMO through a token."""

    class Meta:
        model = ApiToken
        fields = ("name", "user", "expires_at")
        help_texts = {
            "user": 'A service account (group "Service account", no clinical role). People '
            "create their own tokens under Account > API tokens.",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields[
            "expires_at"
        ].help_text = f"Empty: {settings.API_TOKEN_DEFAULT_DAYS} days from now."

    def clean_user(self) -> object:
        user = self.cleaned_data["user"]
        problems = service_account_problems(user)
        if problems:
            raise forms.ValidationError(problems)
        return user


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

    def get_form(self, request: HttpRequest, obj: ApiToken | None = None, **kwargs: object):
        if obj is None:
            kwargs["form"] = ServiceAccountTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple:
        return self.issued_fields if obj else ()

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            return  # nothing on an issued token is editable
        token, key = api_token_issue(
            user=obj.user, name=obj.name, created_by=request.user, expires_at=obj.expires_at
        )  # refuses a person's account again, whatever the form let through
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


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Administrators manage accounts (R-SEC-8): add, change, deactivate, never delete.

    The Administrator role holds auth's view/add/change permissions (imr.roles). Whether
    an account is a superuser, and its one-off permissions, stay with superusers, so an
    Administrator cannot make anyone (themselves included) more than the roles allow.
    """

    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ("is_superuser", "user_permissions")
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class SignInLockoutAdmin(AdministratorOnly, AccessAttemptAdmin):
    """Failed sign-ins by address and username (django-axes, R-SEC-5); an Administrator
    unlocks a locked address or user at once with "Unlock" (R-SEC-5)."""

    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Unlock: clear the failed sign-ins of the selected rows")
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        cleared = 0
        for attempt in queryset:
            cleared += axes_reset(ip=attempt.ip_address, username=attempt.username)
        self.message_user(request, f"Unlocked: {cleared} failed-sign-in record(s) cleared.")
