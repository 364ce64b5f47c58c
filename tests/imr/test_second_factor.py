"""R-SEC-8: with OTP_REQUIRED, staff verify a TOTP code (or a one-time recovery code)
after the password; enrolment shows a QR code and the secret; tokens are unaffected."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imr.accounts.second_factor import recovery_codes_replace
from imr.api.auth import api_token_issue
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _otp_required(settings):
    settings.OTP_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    """What the user's phone shows now (django-otp's own TOTP, the clock read inside)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_a_password_alone_is_sent_to_verify(coordinator):
    _authenticator(coordinator)
    client = _signed_in("coordinator")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account:verify')}?next=%2F"
    assert client.get("/cases/").status_code == 302
    assert client.get("/api/v1/cases/").status_code == 403


def test_a_valid_code_lets_the_user_through(coordinator):
    device = _authenticator(coordinator)
    client = _signed_in("coordinator")
    response = client.post(reverse("account:verify"), {"code": _code(device), "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_a_wrong_code_is_refused_and_throttled(coordinator):
    device = _authenticator(coordinator)
    client = _signed_in("coordinator")
    wrong = client.post(reverse("account:verify"), {"code": "000000"})
    assert wrong.status_code == 400 and b"That code is not valid" in wrong.content
    # django-otp makes the device wait after a failure: even the right code, at once, fails.
    assert client.post(reverse("account:verify"), {"code": _code(device)}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    assert client.get("/cases/").status_code == 302


def test_a_recovery_code_works_once(coordinator):
    _authenticator(coordinator)
    codes = recovery_codes_replace(user=coordinator)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = _signed_in("coordinator")
    assert first.post(reverse("account:verify"), {"code": codes[0]}).status_code == 302
    assert first.get("/cases/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    second = _signed_in("coordinator")
    assert second.post(reverse("account:verify"), {"code": codes[0]}).status_code == 400
    assert second.get("/cases/").status_code == 302


def test_staff_without_an_authenticator_enrol_and_get_recovery_codes(cmo):
    client = _signed_in("cmo")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("account:enrol"))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<svg role="img" aria-label="QR code' in html
    device = TOTPDevice.objects.get(user=cmo, confirmed=False)
    assert "otpauth://" not in html  # the QR encodes it; the page shows the key only
    confirmed = client.post(reverse("account:enrol"), {"code": _code(device), "next": "/"})
    assert confirmed.status_code == 200
    assert len(confirmed.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200


def test_a_password_alone_cannot_replace_the_authenticator(coordinator):
    _authenticator(coordinator)
    client = _signed_in("coordinator")
    response = client.get(reverse("account:enrol"))
    assert response["Location"].startswith(reverse("account:verify"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_reviewers_and_tokens_are_not_asked(reviewer, coordinator):
    assert _signed_in("reviewer").get(reverse("reviewers:home")).status_code == 200
    _authenticator(coordinator)
    _, key = api_token_issue(user=coordinator, name="script", created_by=coordinator)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/cases/").status_code == 200


def test_the_login_page_says_the_second_factor_is_off_only_when_it_is(client, settings):
    assert b"the second factor is off here" not in client.get(reverse("login")).content
    settings.OTP_REQUIRED = False
    assert b"the second factor is off here" in client.get(reverse("login")).content
