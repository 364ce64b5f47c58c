"""Notification e-mails are delivered at least once (R-SEC-9).

A worker claims a batch and is killed mid-batch (no release): after the claim's lease the
retry job sends the rest; within the lease nobody steals them; a sent e-mail is never sent
again; the only duplicate is the message in flight when the process died.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from notifications.models import Notification
from notifications.services import (
    NotificationDraft,
    notifications_email,
    notifications_send_bulk,
)
from notifications.tasks import email_pending_notifications

NOW = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
LEASE = timedelta(seconds=600)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the sender catches it."""


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.NOTIFICATION_EMAIL_LEASE_SECONDS = 600
    settings.EMAIL_TIMEOUT = 30


def _unsent(coordinator, count: int) -> list[int]:
    """Rows as the sweep stores them; in a test transaction their after-commit send never runs."""
    drafts = [
        NotificationDraft(recipient_id=coordinator.pk, kind="clock_breach", text=f"Case {n}")
        for n in range(count)
    ]
    return notifications_send_bulk(drafts=drafts)


def _sender_killed_at(call: int, *, after_acceptance: bool):
    """An e-mail seam whose process dies on its `call`-th message."""
    from notifications import email

    calls = {"n": 0}

    def send(**kwargs) -> None:
        calls["n"] += 1
        if calls["n"] == call and not after_acceptance:
            raise WorkerKilled
        email.email_send(**kwargs)
        if calls["n"] == call:
            raise WorkerKilled

    return send


def _sent_texts() -> list[str]:
    return sorted(m.subject.removeprefix("IMR Desk: ") for m in mail.outbox)


@pytest.mark.django_db
def test_a_claim_held_by_a_killed_worker_is_sent_by_another_after_its_lease(
    coordinator, monkeypatch
):
    with time_machine.travel(NOW, tick=False):
        ids = _unsent(coordinator, 150)
        monkeypatch.setattr(
            "notifications.services.email_send", _sender_killed_at(4, after_acceptance=False)
        )
        with pytest.raises(WorkerKilled):
            notifications_email(notification_ids=ids)  # the first worker: 3 sent, then killed
        monkeypatch.undo()
    assert len(mail.outbox) == 3
    assert Notification.objects.exclude(emailed_at=None).count() == 3
    held = Notification.objects.filter(emailed_at=None).exclude(email_claimed_at=None)
    assert held.count() == 97  # the rest of its claim of 100, not released

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        # A second worker within the lease: the 50 never claimed go, the 97 held stay.
        assert email_pending_notifications() == 50
        assert notifications_email(notification_ids=ids) == 0
    assert held.count() == 97

    with time_machine.travel(NOW + LEASE + timedelta(seconds=1), tick=False):
        assert email_pending_notifications() == 97
        assert email_pending_notifications() == 0
        assert notifications_email(notification_ids=ids) == 0  # sent is never re-sent
    assert not Notification.objects.filter(emailed_at=None).exists()
    assert _sent_texts() == sorted(f"Case {n}" for n in range(150))  # each exactly once


@pytest.mark.django_db
def test_the_only_duplicate_is_the_message_in_flight_at_the_crash(coordinator, monkeypatch):
    with time_machine.travel(NOW, tick=False):
        ids = _unsent(coordinator, 5)
        monkeypatch.setattr(
            "notifications.services.email_send", _sender_killed_at(2, after_acceptance=True)
        )
        with pytest.raises(WorkerKilled):
            notifications_email(notification_ids=ids)
        monkeypatch.undo()
    with time_machine.travel(NOW + LEASE + timedelta(seconds=1), tick=False):
        assert email_pending_notifications() == 4
    texts = _sent_texts()
    assert len(texts) == 6
    assert [t for t in set(texts) if texts.count(t) > 1] == ["Case 1"]  # accepted, not marked
    assert not Notification.objects.filter(emailed_at=None).exists()


@pytest.mark.django_db
def test_a_slow_worker_stops_before_its_lease_runs_out_and_releases_the_rest(
    coordinator, monkeypatch
):
    from notifications import email

    with time_machine.travel(NOW, tick=False) as traveller:
        ids = _unsent(coordinator, 10)

        def slow_send(**kwargs) -> None:
            email.email_send(**kwargs)
            traveller.shift(timedelta(seconds=100))  # each message takes 100 s

        monkeypatch.setattr("notifications.services.email_send", slow_send)
        # Sends start at 0, 100, …, 500 s; at 600 s only 0 s would be left, less than
        # EMAIL_TIMEOUT (30 s), so it stops rather than race a worker retaking the rows.
        assert notifications_email(notification_ids=ids) == 6
    assert len(mail.outbox) == 6
    rest = Notification.objects.filter(emailed_at=None)
    assert rest.count() == 4
    assert not rest.exclude(email_claimed_at=None).exists()  # released, not held
    monkeypatch.undo()
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert email_pending_notifications() == 4
    assert len(mail.outbox) == 10
