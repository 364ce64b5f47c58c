"""The case event log: append one event, chained to the case's previous one (R-SEC-6),
and who may be named as having acted (a person, or one of NonPersonActor).

Each case's events form a hash chain: an event's `row_hash` is the SHA-256 of the
previous event's `row_hash` (`prev_hash`; `GENESIS` for the first) and of the event's
own canonical content (case, kind, actor, actor's name, time, summary, data). Changing,
removing or reordering a stored event breaks the chain from there on, which
`manage.py audit_verify` reports. The database refuses UPDATE, DELETE and TRUNCATE on
the table (migration 0011_caseevent_hash_chain); the chain catches what a superuser who
drops the trigger could still do.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent


class NonPersonActor(StrEnum):
    """What acted when no person did, as the case's log names it. An event without a
    person names one of these, so no list ever shows an empty or generic "who"."""

    PRACTITIONER_LINK = "Practitioner's office (secure link)"
    CLOCK_SWEEP = "Clock sweep (automatic)"
    TAR_SYSTEM = "TAR system"
    BACKGROUND_TASK = "Background task (automatic)"


# Shown only for a clock event recorded without a person before actors were named.
SYSTEM_ACTOR = "IMR Desk (automatic)"
# The event written with every AuditedDateChange row (received_at_plan_change): the case
# page reads the changes only when its event log holds one.
AUDITED_DATE_CHANGED = "audited_date_changed"
GENESIS = "0" * 64
# pg_advisory_xact_lock(class, case id): one writer of a case's chain at a time.
_CHAIN_LOCK_CLASS = 0x1C5E


def case_event_add(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: AbstractBaseUser | None = None,
    data: dict | None = None,
    actor_name: str = "",
) -> CaseEvent:
    """Append one event to the case's log. Summaries carry no member PHI.

    A person's event names them; an event with no person must name what acted
    (``actor_name``, one of NonPersonActor, e.g. "Practitioner's office (secure link)"):
    a call with neither is a programming error, refused before anything is written.
    The event is chained to the case's last one under a per-case lock held to the end
    of the transaction, so two writers cannot both extend the same link.
    """
    if actor is not None:
        actor_name = actor_name or actor_display(actor)
    if not actor_name.strip():
        raise ValueError(f"case event {kind!r}: name the person or the non-person actor")
    event = CaseEvent(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name[:120],
        kind=kind,
        summary=summary,
        data=data or {},
    )
    return case_events_bulk_add([event])[0]


@transaction.atomic
def case_events_bulk_add(events: list[CaseEvent]) -> list[CaseEvent]:
    """Insert unsaved events in the order given, each case's chained after its last one.

    For jobs and generators that write many events at once (one INSERT); the cases are
    locked in id order, so two bulk writers cannot deadlock.
    """
    by_case: dict[int, list[CaseEvent]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    for case_id in sorted(by_case):
        _chain_lock(case_id)
        last = (
            CaseEvent.objects.filter(case_id=case_id)
            .order_by("-pk")
            .values_list("row_hash", flat=True)
            .first()
        )
        previous = last or GENESIS
        for event in by_case[case_id]:
            event.prev_hash = previous
            event.row_hash = event_row_hash(previous, **event_content(event))
            previous = event.row_hash
    return CaseEvent.objects.bulk_create(events)


def event_content(event: CaseEvent) -> dict[str, object]:
    """The fields of an event the chain covers, as event_row_hash takes them."""
    return {
        "case_id": event.case_id,
        "kind": event.kind,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "at": event.at,
        "summary": event.summary,
        "data": event.data,
    }


def event_row_hash(
    prev_hash: str,
    *,
    case_id: int,
    kind: str,
    actor_id: int | None,
    actor_name: str,
    at: datetime,
    summary: str,
    data: dict | None,
) -> str:
    """SHA-256 (hex) of the previous hash and the event's canonical JSON.

    The time is written in UTC to the microsecond, keys sorted, no spaces, so the same
    row read back from the database hashes the same. Changing this changes every chain:
    never do it without a migration that recomputes them.
    """
    canonical = json.dumps(
        {
            "case": case_id,
            "kind": kind,
            "actor": actor_id,
            "actor_name": actor_name,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "summary": summary,
            "data": data or {},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(f"{prev_hash}:{canonical}".encode()).hexdigest()


def events_chain_check(rows: Iterable[dict]) -> tuple[int, int, dict | None]:
    """Walk events (dicts of event_content's fields plus id, prev_hash, row_hash), ordered
    by case then id. Returns (events, cases, first break or None); a break names the
    case, the event, and the expected and stored hashes."""
    count, cases, case_id, previous = 0, 0, None, GENESIS
    for row in rows:
        if row["case_id"] != case_id:
            case_id, previous, cases = row["case_id"], GENESIS, cases + 1
        expected = event_row_hash(previous, **{name: row[name] for name in _CONTENT_FIELDS})
        if row["prev_hash"] != previous or row["row_hash"] != expected:
            return (
                count,
                cases,
                {
                    "case_id": case_id,
                    "event_id": row["id"],
                    "expected_prev": previous,
                    "stored_prev": row["prev_hash"],
                    "expected": expected,
                    "stored": row["row_hash"],
                },
            )
        previous = expected
        count += 1
    return count, cases, None


_CONTENT_FIELDS = ("case_id", "kind", "actor_id", "actor_name", "at", "summary", "data")


def _chain_lock(case_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CHAIN_LOCK_CLASS, case_id])


def actor_display(user: AbstractBaseUser) -> str:
    """How a person is named in the case's log: full name, else user name."""
    return (user.get_full_name() or user.get_username())[:120]
