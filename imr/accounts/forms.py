"""Forms of the account pages."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class PasswordAgainForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args: object, request: HttpRequest, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        # Through authenticate(), so wrong guesses count towards the sign-in lockout.
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError("That is not your password.")
        return password


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What it is for", max_length=100, help_text="e.g. 'My reporting script'."
    )
    days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=365,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
        required=False,
        help_text=f"Empty: {settings.API_TOKEN_DEFAULT_DAYS} days.",
    )
