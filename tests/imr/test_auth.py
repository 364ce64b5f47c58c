"""Login, lockout after repeated failures, and the idle-session timeout."""

from datetime import timedelta

import pytest
import time_machine
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
