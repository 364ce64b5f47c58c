"""Login, lockout after repeated failures, the idle-session timeout, and sessions ending
everywhere (sign-out, deactivation, a new password)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imr.middleware import BACKGROUND_HEADER
from tests.support.personas import PASSWORD


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    # imr.settings.test turns django-axes off for the rest of the suite.
    settings.AXES_ENABLED = True


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_it_logs_in_with_the_right_password(client, coordinator):
    response = _login(client, "coordinator", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_wrong_password_with_a_message(client, coordinator):
    response = _login(client, "coordinator", "wrong-password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_locks_the_account_after_five_failures(client, coordinator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        _login(client, "coordinator", "wrong-password")
    response = _login(client, "coordinator", PASSWORD)
    assert response.status_code == 429
    assert b"Account locked" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_does_not_lock_other_accounts(client, coordinator, cmo):
    # Fewer failures than the per-address limit: only the user-and-address pair counts.
    for _ in range(4):
        _login(client, "coordinator", "wrong-password")
    assert _login(client, "cmo", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cooloff(client, coordinator, settings):
    for _ in range(5):
        _login(client, "coordinator", "wrong-password")
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert _login(client, "coordinator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_idle_session_is_signed_out(client, coordinator, settings):
    settings.IDLE_TIMEOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "coordinator", PASSWORD)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_activity_keeps_the_session_alive(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "coordinator", PASSWORD)
    for minutes in (10, 20, 30):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_background_refreshes_do_not_count_as_activity(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "coordinator", PASSWORD)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        background = client.get(reverse("home"), headers={BACKGROUND_HEADER: "1"})
        assert background.status_code == 200
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.get(reverse("home")).status_code == 302


def _copy_of(client) -> Client:
    """A second browser holding the same session cookie (a stolen or copied cookie)."""
    other = Client()
    name = django_settings.SESSION_COOKIE_NAME
    other.cookies[name] = client.cookies[name]
    return other


@pytest.mark.django_db
def test_signing_out_ends_the_session_in_the_store(client, coordinator):
    # Signing out deletes the session from the store, not only the browser's cookie, so a
    # copy of the cookie is worth nothing afterwards (whatever SESSION_ENGINE keeps it in).
    _login(client, "coordinator", PASSWORD)
    copy = _copy_of(client)
    assert copy.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    response = copy.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_idle_session_ends_for_every_copy_of_the_cookie(client, coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "coordinator", PASSWORD)
        copy = _copy_of(client)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.get(reverse("home")).status_code == 302
        assert copy.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions_everywhere(client, coordinator):
    _login(client, "coordinator", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    coordinator.is_active = False
    coordinator.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_password_set_elsewhere_ends_the_other_sessions(client, coordinator):
    _login(client, "coordinator", PASSWORD)
    coordinator.set_password("another-long-passphrase-for-the-test-77")
    coordinator.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
