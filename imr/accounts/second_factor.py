"""Second factor for staff (R-SEC-8): TOTP through django-otp, with one-time recovery codes.

When settings.OTP_REQUIRED is set, a staff session (imr.roles.is_plan_staff) that has not
verified a second factor reaches only the verify and enrol pages and sign-out: every
other page sends it there, and the API answers 403. An API token is not affected: it is
a person's own, created from a verified session (or a service account's).
"""

from base64 import b32encode
from collections.abc import Callable
from io import BytesIO
from urllib.parse import urlencode

import django_otp
import qrcode
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from imr.roles import is_plan_staff

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def second_factor_required(user: AbstractBaseUser) -> bool:
    return bool(settings.OTP_REQUIRED) and is_plan_staff(user)


def has_authenticator(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorRequiredMiddleware:
    """Send a staff session without a verified second factor to verify (or enrol)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and second_factor_required(user)
            and not self._exempt(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "urn:imr:problem:forbidden",
                        "title": "Forbidden",
                        "status": 403,
                        "detail": "Verify your second factor in IMR Desk first.",
                        "errors": {},
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            page = "account:verify" if has_authenticator(user) else "account:enrol"
            return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # A token request is the token's person (or service account), not this session.
        if request.path.startswith("/api/") and request.headers.get("Authorization"):
            return True
        open_paths = (
            reverse("account:verify"),
            reverse("account:enrol"),
            reverse("logout"),
            reverse("login"),
            reverse("healthz"),
        )
        return request.path in open_paths or request.path.startswith(settings.STATIC_URL)


def second_factor_verify(*, request: HttpRequest, code: str) -> bool:
    """Check a TOTP code or a recovery code against the user's confirmed devices and
    mark the session verified. A recovery code is used up (django-otp deletes it);
    wrong codes are throttled per device by django-otp."""
    code = "".join(code.split())
    for device in django_otp.devices_for_user(request.user, confirmed=True):
        verified = django_otp.verify_token(request.user, device.persistent_id, code)
        if verified is not None:
            django_otp.login(request, verified)
            return True
    return False


def authenticator_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator the enrolment page shows, made once per enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def authenticator_confirm(
    *, request: HttpRequest, device: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm the new authenticator with a code from it; returns new recovery codes to
    show once, or None when the code is wrong. Earlier authenticators are replaced."""
    if not device.verify_token("".join(code.split())):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    return recovery_codes_replace(user=device.user)


@transaction.atomic
def recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working. Shown once: only the
    device's copy is kept, and each is deleted when used."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, drawn here by qrcode: no image request, no
    third party, no style attribute (the Content-Security-Policy forbids them)."""
    out = BytesIO()
    qrcode.make(device.config_url, image_factory=SvgPathImage).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :].replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )


def authenticator_secret(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
