"""notification_send: stored in-app, e-mailed once after commit, no PHI, idempotent by key."""

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Notification
from notifications.services import notification_send, notifications_email


@pytest.mark.django_db
def test_it_stores_and_emails_after_commit(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notification_send(
            recipient=coordinator, kind="assignment", text="Case 7 assigned to you.", link="/x/7/"
        )
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    (message,) = mail.outbox
    assert message.to == ["coordinator@example.invalid"]
    assert message.subject == "IMR Desk: Case 7 assigned to you."
    assert "http://127.0.0.1:8000/x/7/" in message.body


@pytest.mark.django_db
def test_a_rolled_back_send_emails_nothing(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notification_send(recipient=coordinator, kind="assignment", text="Case 7.")
                raise RuntimeError("the surrounding work failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_key_is_sent_once(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(
            recipient=coordinator, kind="digest", text="Digest.", dedupe_key="digest:2026-03-09"
        )
        second = notification_send(
            recipient=coordinator, kind="digest", text="Digest.", dedupe_key="digest:2026-03-09"
        )
    assert first is not None and second is None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_emailing_twice_sends_once(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(recipient=coordinator, kind="x", text="Case 1.")
    assert notifications_email(notification_ids=[notification.pk]) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_email_is_released_for_a_retry(coordinator, monkeypatch):
    notification = Notification.objects.create(recipient=coordinator, kind="x", text="Case 1.")

    def broken(**kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("notifications.services.email_send", broken)
    assert notifications_email(notification_ids=[notification.pk]) == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert notifications_email(notification_ids=[notification.pk]) == 1
