"""A user's own notifications: the inbox page, mark read, and the API list."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.support.personas import client_for


@pytest.fixture
def note(coordinator):
    return Notification.objects.create(
        recipient=coordinator,
        kind="clock_breach",
        text="Case 3: breached.",
        link="/?window=overdue",
    )


@pytest.mark.django_db
def test_the_inbox_lists_my_notifications(note, coordinator):
    page = client_for(coordinator).get(reverse("notifications:inbox")).content.decode()
    assert "Case 3: breached." in page


@pytest.mark.django_db
def test_opening_marks_read_and_follows_the_link(note, coordinator):
    response = client_for(coordinator).post(reverse("notifications:mark_read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/?window=overdue"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_nobody_reads_another_users_notification(note, cmo):
    assert client_for(cmo).get(reverse("notifications:inbox")).content.decode().count("Case 3") == 0
    response = client_for(cmo).post(reverse("notifications:mark_read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_the_api_lists_only_my_notifications(note, coordinator, cmo):
    mine = client_for(coordinator).get("/api/v1/notifications/").json()
    assert [n["text"] for n in mine["results"]] == ["Case 3: breached."]
    assert client_for(cmo).get("/api/v1/notifications/").json()["results"] == []
