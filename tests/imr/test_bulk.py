"""imr.bulk: set-based writes and server-bound reads for the sweep (issue 20)."""

import pytest

from imr.bulk import values_rows
from notifications.models import Notification
from notifications.services import NotificationDraft, notifications_send_bulk

pytestmark = pytest.mark.django_db


def test_values_rows_reads_what_the_queryset_reads(coordinator, cmo):
    ids = notifications_send_bulk(
        drafts=[
            NotificationDraft(recipient_id=user.pk, kind="clock_breach", text=f"Case {n}")
            for n, user in enumerate([coordinator, cmo, coordinator])
        ]
    )
    rows = Notification.objects.filter(pk__in=ids).order_by("pk")
    query = rows.values_list("pk", "recipient_id", "text", "dedupe_key", "created_at")
    assert values_rows(query) == [tuple(row) for row in query]
    assert values_rows(Notification.objects.filter(pk__in=[]).values_list("pk")) == []


def test_columns_every_row_shares_are_stored_on_each_row(coordinator):
    ids = notifications_send_bulk(
        drafts=[
            NotificationDraft(recipient_id=coordinator.pk, kind="clock_warning", text=f"T{n}")
            for n in range(3)
        ]
    )
    stored = Notification.objects.filter(pk__in=ids)
    assert {row.dedupe_key for row in stored} == {""}
    assert len({row.created_at for row in stored}) == 1
    assert sorted(row.text for row in stored) == ["T0", "T1", "T2"]
