"""The audit trail holds (R-SEC-6, issue 16 finding 7): the case event log and the
access log are append-only in PostgreSQL, and each case's events are a hash chain that
`manage.py audit_verify` checks, naming the first broken row."""

import itertools
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from cases.events import GENESIS, case_event_add, case_events_bulk_add, event_row_hash
from cases.models import AccessLog, CaseEvent
from cases.services import case_withdraw
from tests.support.cases import open_case
from tests.support.factories import MemberFactory

pytestmark = pytest.mark.django_db

TRIGGER = {"cases_caseevent": "cases_caseevent_append_only"}
TRIGGER["cases_accesslog"] = "cases_accesslog_append_only"


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _without_trigger(table: str, sql: str, params: list) -> None:
    """Run one statement with the table's append-only trigger off, inside the test's
    transaction (so nothing outlives the test). Deferred foreign-key checks run first:
    PostgreSQL will not ALTER a table with pending trigger events."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER[table]}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER[table]}")


@pytest.fixture
def two_cases(coordinator):
    first = open_case(coordinator, tar_number="TAR-AUD-1")
    case_event_add(case=first, kind="note", summary="A note.", actor=coordinator)
    case_withdraw(case=first, actor=coordinator, reason="Member withdrew the request.")
    second = open_case(coordinator, tar_number="TAR-AUD-2", member=MemberFactory(cin="95555555F"))
    return first, second


def test_each_event_is_chained_to_the_previous_one_of_its_case(two_cases):
    first, second = two_cases
    events = list(CaseEvent.objects.filter(case=first).order_by("pk"))
    assert len(events) >= 3
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.row_hash
    assert CaseEvent.objects.filter(case=second).order_by("pk").first().prev_hash == GENESIS
    assert len({event.row_hash for event in events}) == len(events)


def test_audit_verify_says_ok_with_the_counts(two_cases):
    first, _second = two_cases
    total = CaseEvent.objects.filter(case__in=two_cases).count()

    assert _verify() == f"OK: {total} events in 2 cases, every chain intact.\n"
    assert _verify("--case", str(first.pk)).startswith(
        f"OK: {CaseEvent.objects.filter(case=first).count()} events in 1 cases"
    )


def test_a_changed_event_is_named_and_the_command_fails(two_cases):
    first, second = two_cases
    victim = CaseEvent.objects.filter(case=first).order_by("pk")[1]
    _without_trigger(
        "cases_caseevent",
        "UPDATE cases_caseevent SET summary = %s WHERE id = %s",
        ["Nothing happened.", victim.pk],
    )

    with pytest.raises(CommandError) as broken:
        _verify()

    message = str(broken.value)
    assert f"case {first.pk} event {victim.pk}:" in message
    assert f"stored {victim.row_hash}" in message
    assert broken.value.returncode == 1
    assert _verify("--case", str(second.pk)).startswith("OK")


def test_a_removed_event_breaks_the_chain_at_the_next_one(two_cases):
    first, _second = two_cases
    events = list(CaseEvent.objects.filter(case=first).order_by("pk"))
    _without_trigger("cases_caseevent", "DELETE FROM cases_caseevent WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError, match=f"case {first.pk} event {events[2].pk}:"):
        _verify()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cases_caseevent SET summary = 'x' WHERE case_id = %s",
        "DELETE FROM cases_caseevent WHERE case_id = %s",
        "UPDATE cases_accesslog SET action = 'view_case' WHERE case_id = %s",
        "DELETE FROM cases_accesslog WHERE case_id = %s",
    ],
)
def test_the_database_refuses_update_and_delete(two_cases, coordinator, client, statement):
    first, _second = two_cases
    client.force_login(coordinator)
    client.get(f"/cases/{first.pk}/")
    assert AccessLog.objects.filter(case=first).exists()

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [first.pk])


def test_the_orm_cannot_change_or_delete_them_either(two_cases):
    first, _second = two_cases
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(case=first).update(summary="Rewritten.")
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(case=first).first().delete()
    assert CaseEvent.objects.filter(case=first, summary="Rewritten.").count() == 0


@pytest.mark.parametrize("table", ["cases_caseevent", "cases_accesslog"])
def test_truncate_is_refused_outside_the_test_flush(two_cases, table):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before TRUNCATE
    with (
        pytest.raises(IntegrityError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL imr.audit_truncate_allowed = 'off'")
        cursor.execute(f"TRUNCATE {table}")


def test_bulk_events_extend_each_case_chain(two_cases, coordinator):
    first, second = two_cases
    at = CaseEvent.objects.order_by("-at").first().at
    rows = [
        CaseEvent(case=case, at=at, actor=coordinator, actor_name="T", kind="note", summary=s)
        for case, s in ((second, "b1"), (first, "a1"), (second, "b2"))
    ]
    last_first = CaseEvent.objects.filter(case=first).order_by("-pk").first()

    case_events_bulk_add(rows)

    assert rows[1].prev_hash == last_first.row_hash
    assert rows[2].prev_hash == rows[0].row_hash
    assert _verify().startswith("OK")


def test_the_migration_chains_stored_events_as_the_service_does(two_cases):
    """Blank the hashes (the state before the migration), run its backfill, and get the
    very hashes case_event_add wrote."""
    written = dict(CaseEvent.objects.values_list("pk", "row_hash"))
    _without_trigger(
        "cases_caseevent", "UPDATE cases_caseevent SET prev_hash = '', row_hash = ''", []
    )
    migration = import_module("cases.migrations.0011_caseevent_hash_chain")

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER cases_caseevent_append_only")
        migration.chain_existing_events(apps, None)
        cursor.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER cases_caseevent_append_only")

    assert dict(CaseEvent.objects.values_list("pk", "row_hash")) == written
    assert _verify().startswith("OK")


def test_the_hash_covers_every_content_field():
    base = {
        "case_id": 1,
        "kind": "note",
        "actor_id": 2,
        "actor_name": "A",
        "at": CaseEvent._meta.get_field("at").to_python("2026-06-01T09:00:00+00:00"),
        "summary": "S",
        "data": {"k": 1},
    }
    reference = event_row_hash(GENESIS, **base)
    changed = {"case_id": 3, "kind": "x", "actor_id": None, "actor_name": "B", "summary": "T"}
    changed["data"] = {"k": 2}
    for name, value in changed.items():
        assert event_row_hash(GENESIS, **{**base, name: value}) != reference, name
    assert event_row_hash("1" * 64, **base) != reference
