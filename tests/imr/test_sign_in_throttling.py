"""R-SEC-5: failed sign-ins count per address and per user-and-address (django-axes).

A stranger guessing from elsewhere cannot lock a user out where they work; spraying
one password over many accounts locks the spraying address; an Administrator unlocks.
Both sign-in pages (/accounts/login/ and /admin/login/) are covered.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from tests.support.personas import PASSWORD, client_for, make_user

# imr.settings.test turns django-axes off for the rest of the suite (tests there sign in
# over and over from one address); these tests turn it back on.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_axes_on")]

STRANGER, OFFICE = "203.0.113.9", "198.51.100.20"


@pytest.fixture
def _axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5):
        yield


def _sign_in(address: str, username: str, password: str, *, path: str = "") -> int:
    client = Client(REMOTE_ADDR=address)
    url = path or reverse("login")
    return client.post(url, {"username": username, "password": password}).status_code


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(coordinator):
    for _ in range(4):
        assert _sign_in(STRANGER, "coordinator", "guess") == 200
    assert _sign_in(STRANGER, "coordinator", "guess") == 429  # the fifth failure locks
    assert _sign_in(STRANGER, "coordinator", PASSWORD) == 429
    assert _sign_in(OFFICE, "coordinator", PASSWORD) == 302


def test_spraying_one_password_over_ten_accounts_locks_the_address(db):
    for n in range(10):
        make_user(f"staff{n}", None)
    statuses = [_sign_in(STRANGER, f"staff{n}", "Spring2026!") for n in range(10)]
    # One failure per account: only the address's count reaches the limit, at the fifth.
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    # Even the right password is refused from that address now; others are unaffected.
    assert _sign_in(STRANGER, "staff9", PASSWORD) == 429
    assert _sign_in(OFFICE, "staff9", PASSWORD) == 302


def test_the_admin_sign_in_is_throttled_too(administrator):
    for _ in range(5):
        _sign_in(STRANGER, "administrator", "guess", path="/admin/login/")
    assert _sign_in(STRANGER, "administrator", PASSWORD, path="/admin/login/") == 429
    assert _sign_in(OFFICE, "administrator", PASSWORD, path="/admin/login/") == 302


def test_an_administrator_unlocks_in_the_admin(administrator, coordinator):
    for _ in range(5):
        _sign_in(STRANGER, "coordinator", "guess")
    assert _sign_in(STRANGER, "coordinator", PASSWORD) == 429
    attempt = AccessAttempt.objects.get(username="coordinator", ip_address=STRANGER)

    admin = client_for(administrator)
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(ip_address=STRANGER).exists()
    assert _sign_in(STRANGER, "coordinator", PASSWORD) == 302


def test_only_administrators_see_the_lockouts(coordinator):
    assert client_for(coordinator).get("/admin/axes/accessattempt/").status_code == 302
