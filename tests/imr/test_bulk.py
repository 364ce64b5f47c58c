"""imr.bulk: set-based writes and server-bound reads for the sweep (issue 20)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.utils import timezone

from imr.bulk import AnyOf, column_set, rows_copy, rows_insert, values_rows
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


def test_any_of_reads_what_pk_in_reads(coordinator, cmo):
    users = get_user_model().objects.order_by("pk")
    ids = [coordinator.pk, cmo.pk, 987654]
    expected = list(users.filter(pk__in=ids).values_list("pk", "username"))
    assert values_rows(users.filter(AnyOf(F("pk"), ids)).values_list("pk", "username")) == expected
    assert list(users.filter(AnyOf(F("pk"), ids)).values_list("pk", "username")) == expected
    assert values_rows(users.filter(AnyOf(F("pk"), [])).values_list("pk")) == []


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_rows_copy_stores_every_value_as_given(coordinator, monkeypatch, vendor):
    """COPY's text format escapes tabs, newlines and backslashes; NULL stays NULL."""
    now = timezone.now()
    texts = ["plain", "tab\there", "line\nbreak", "back\\slash \\N", "quote ' and \""]
    monkeypatch.setattr(connection, "vendor", vendor)
    rows_copy(
        table=Notification._meta.db_table,
        columns=("recipient_id", "kind", "text", "link", "case_id", "dedupe_key", "created_at"),
        rows=[(coordinator.pk, "k", text, "", None, "", now) for text in texts],
    )
    monkeypatch.undo()
    stored = Notification.objects.order_by("pk")
    assert [n.text for n in stored] == texts
    assert {(n.case_id, n.created_at) for n in stored} == {(None, now)}


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_rows_insert_returns_the_rows_it_wrote_in_order(coordinator, cmo, monkeypatch, vendor):
    existing = notifications_send_bulk(
        drafts=[NotificationDraft(recipient_id=coordinator.pk, kind="k", text="first")]
    )
    first = existing[0]
    monkeypatch.setattr(connection, "vendor", vendor)
    rows = rows_insert(
        table=Notification._meta.db_table,
        columns=[("id", "bigint"), ("recipient_id", "bigint"), ("kind", "text"), ("text", "text")],
        same=[
            ("link", "text", ""),
            ("dedupe_key", "text", ""),
            ("created_at", "timestamptz", timezone.now()),
        ],
        rows=[
            (first, cmo.pk, "k", "clash"),
            (first + 2, cmo.pk, "k", "b"),
            (first + 1, cmo.pk, "k", "a"),
        ],
        on_conflict="ON CONFLICT (id) DO NOTHING",
        returning="id, text",
    )
    monkeypatch.undo()
    assert rows == [(first + 2, "b"), (first + 1, "a")]
    assert Notification.objects.get(pk=first).text == "first"


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_column_set_sets_each_row_its_value_and_none(coordinator, monkeypatch, vendor):
    drafts = [
        NotificationDraft(recipient_id=coordinator.pk, kind="k", text=str(n)) for n in range(3)
    ]
    ids = notifications_send_bulk(drafts=drafts)
    moment = timezone.now()
    Notification.objects.filter(pk__in=ids).update(read_at=moment)
    later = moment + timedelta(hours=1)
    monkeypatch.setattr(connection, "vendor", vendor)
    column_set(
        table=Notification._meta.db_table,
        column="read_at",
        kind="timestamptz",
        values={ids[0]: None, ids[1]: later},
    )
    monkeypatch.undo()
    stored = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "read_at"))
    assert stored == {ids[0]: None, ids[1]: later, ids[2]: moment}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_staged_writes_work_outside_a_transaction():
    """Autocommit (a transactional test, a task): the staging table, dropped at commit,
    still lives until the statement that reads it has run."""
    user = get_user_model().objects.create_user(username="solo")
    ids = notifications_send_bulk(
        drafts=[NotificationDraft(recipient_id=user.pk, kind="k", text=str(n)) for n in range(2)]
    )
    later = timezone.now()
    column_set(
        table=Notification._meta.db_table,
        column="read_at",
        kind="timestamptz",
        values=dict.fromkeys(ids, later),
    )
    assert list(Notification.objects.order_by("pk").values_list("text", "read_at")) == [
        ("0", later),
        ("1", later),
    ]
