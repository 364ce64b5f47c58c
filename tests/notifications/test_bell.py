"""The header bell (R-NOT-4): my unread count on every page, down as I read them."""

import re

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


def _count(page: str) -> int:
    found = re.search(r'aria-label="Notifications: (\d+) unread"', page)
    assert found, "the bell is missing from the header"
    return int(found.group(1))


def _note(user, text: str) -> Notification:
    return Notification.objects.create(recipient=user, kind="review_received", text=text)


def test_the_bell_shows_my_unread_count_and_falls_as_i_read(coordinator, cmo):
    mine = [_note(coordinator, f"Case {n}: review received.") for n in range(3)]
    _note(cmo, "Case 9: someone else's.")
    client = client_for(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert _count(page) == 3
    assert 'class="bell-count"' in page
    client.post(reverse("notifications:mark_read", args=[mine[0].pk]))
    assert _count(client.get(reverse("home")).content.decode()) == 2
    assert _count(client_for(cmo).get(reverse("home")).content.decode()) == 1


def test_no_unread_shows_no_badge(coordinator):
    page = client_for(coordinator).get(reverse("home")).content.decode()
    assert _count(page) == 0
    assert 'class="bell-count"' not in page


def test_the_login_page_has_no_bell(client):
    page = client.get(reverse("login")).content.decode()
    assert "Notifications:" not in page


def test_mark_all_read_clears_only_my_bell(coordinator, cmo):
    for n in range(2):
        _note(coordinator, f"Case {n}: review received.")
    _note(cmo, "Case 9: someone else's.")
    client = client_for(coordinator)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Mark all 2 read" in inbox
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert _count(client.get(reverse("home")).content.decode()) == 0
    assert Notification.objects.filter(recipient=cmo, read_at=None).count() == 1
