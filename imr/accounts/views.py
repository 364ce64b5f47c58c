"""The account pages: sign-in, second factor, password change, re-entering the password,
and the person's own API tokens (R-SEC-2, R-SEC-8)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from imr.accounts import second_factor
from imr.accounts.forms import CodeForm, PasswordAgainForm, TokenForm
from imr.api.auth import api_token_issue, api_token_revoke
from imr.models import ApiToken
from imr.reauth import reauthentication_mark
from imr.web import form_run


def _next(request: HttpRequest, fallback: str = "home") -> str:
    """The `next` address if it is one of our pages, else the fallback page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


class SignInView(auth_views.LoginView):
    """The password sign-in; typing the password also counts as re-authentication."""

    redirect_authenticated_user = True

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)
        reauthentication_mark(self.request)
        return response

    def get_context_data(self, **kwargs: object) -> dict:
        # The demo users (bin/run) sign in without a second factor only because the
        # embedded default leaves OTP_REQUIRED off; the page says so there, never in
        # production (where it is on).
        return {**super().get_context_data(**kwargs), "otp_off": not settings.OTP_REQUIRED}


def account(request: HttpRequest) -> HttpResponse:
    context = {
        "has_authenticator": second_factor.has_authenticator(request.user),
        "otp_required": second_factor.second_factor_required(request.user),
    }
    return render(request, "account/account.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app or a recovery code."""
    if not second_factor.has_authenticator(request.user):
        return redirect(f"{reverse('account:enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.second_factor_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", "That code is not valid (or was used already). Try again.")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "account/verify.html", {"form": form, "next": _next(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and secret, then a code from the app to
    confirm. Replacing an authenticator needs a session verified with the current one."""
    if second_factor.has_authenticator(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('account:verify')}?next={reverse('account:enrol')}")
    device = second_factor.authenticator_pending(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.authenticator_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request, "account/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", "That code does not match. Check the time on your phone.")
    context = {
        "form": form,
        "qr_svg": second_factor.authenticator_qr_svg(device),
        "secret": second_factor.authenticator_secret(device),
        "next": _next(request),
    }
    return render(request, "account/enrol.html", context)


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, shown once; the old ones stop working."""
    if not request.user.is_verified():
        return redirect(f"{reverse('account:verify')}?next={reverse('account:home')}")
    codes = second_factor.recovery_codes_replace(user=request.user)
    return render(request, "account/recovery_codes.html", {"codes": codes, "next": "/"})


@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Enter the password again before a signature act (R-SEC-2), then back to it."""
    form = PasswordAgainForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        reauthentication_mark(request)
        return redirect(_next(request))
    context = {"form": form, "next": _next(request), "minutes": settings.REAUTH_WINDOW_MINUTES}
    return render(request, "account/reauthenticate.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "account/password_change.html"
    success_url = reverse_lazy("account:home")

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)
        reauthentication_mark(self.request)
        messages.success(self.request, "Your password was changed.")
        return response


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Your own API tokens (R-SEC-2): create one (the key is shown once), see when each
    was last used, revoke."""
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST":
        issued = form_run(
            request,
            form,
            lambda data: api_token_issue(
                user=request.user,
                name=data["name"],
                created_by=request.user,
                expires_at=timezone.now()
                + timedelta(days=data["days"] or settings.API_TOKEN_DEFAULT_DAYS),
            ),
            done="Token created. Copy the key now: it is not shown again.",
        )
        if issued is not None:
            key = issued[1]
            form = TokenForm()
    context = {
        "form": form,
        "key": key,
        "tokens": ApiToken.objects.filter(user=request.user),
        "now": timezone.now(),
    }
    response = render(request, "account/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke one of your own tokens (the `token` field: its id)."""
    token_id = request.POST.get("token", "")
    token = (
        ApiToken.objects.filter(pk=int(token_id), user=request.user).first()
        if token_id.isdigit()
        else None
    )
    if token is None:
        messages.error(request, "You have no such token.")
    elif api_token_revoke(token=token, actor=request.user):
        messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("account:tokens")
