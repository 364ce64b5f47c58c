"""The staff work queue (R-TRK-3) and the CMO's to-do list: reads only, constant queries.

Neither is access-logged, unlike the case list (AccessLog `view_list`, R-TRK-8): their
rows name no member (no name, CIN or date of birth): the case and TAR number, the
random internal identifier, status and clocks. Adding member PHI to a row here means
logging the rows shown, as cases.views.case_list does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Determination, Status
from cases.selectors.safe_time import SafeTime, act_by_table, aware, safe_time
from imr.dates import when_text
from reviewers.models import Assignment, Imro
from reviewers.turnaround import Turnarounds, recent_turnarounds
from timelines.calendar import business_calendar
from timelines.deadlines import BusinessCalendar
from timelines.models import Clock, ClockStatus
from timelines.rules import rule_named
from timelines.selectors import (
    BADGES,
    WINDOWS,
    due_window,
    extendable_clocks,
    extension_offers,
    work_queue,
)

BUCKETS = ("overdue", "today", "next", "later")


@dataclass(frozen=True)
class QueueFilters:
    window: str = ""
    status: str = ""
    review_type: str = ""
    imro: str = ""
    owner: str = ""
    mine: bool = False


@dataclass(frozen=True)
class QueueRow:
    case: Case
    badge: str
    badge_text: str
    clock_label: str
    late: str = ""  # "5 h late", "3 d late": how far past due an overdue case is
    safe_time: SafeTime | None = None
    # "Act by Thu 14:00" (R-RPT-6); empty without a running clock.
    act_by_text: str = ""
    act_by_parts: tuple[str, str] = ("", "")  # the same, as (lead, moment)
    due_text: str = ""  # the nearest clock's due time, as every page writes a moment
    owner_name: str = ""
    # Every value the row prints, by name, for the templates: a dictionary is the
    # template engine's quickest lookup (an object costs an exception first), and the
    # rows were most of the page's Python time.
    cells: dict[str, object] | None = None


PAGE_SIZE = 50


def queue_page(
    *,
    user: AbstractBaseUser,
    filters: QueueFilters,
    now: datetime | None = None,
    page: int = 1,
    limit: int = PAGE_SIZE,
) -> dict:
    """Open cases by latest safe time (R-RPT-6), a page at a time, with counts per due
    bucket.

    Four queries whatever the filters: the holidays, the newest review (the key of the
    cached IMRO medians, `recent_turnarounds`; their own query once an hour or after a
    new review), one ordered query returning the page and the bucket counts, and the
    display rows. The ordering query reads only case ids and times (no joins for
    display), so the member, owner, clock name and IMRO are fetched for the rows shown
    only. The bucket counts are over every open case (only "mine" narrows them), the
    page over the filtered ones: the filters travel as one boolean column that only the
    page's part of the statement keeps.
    """
    now = now or timezone.now()
    calendar = business_calendar()
    turnarounds = recent_turnarounds(now=now)
    page = max(page, 1)
    start = (page - 1) * limit
    today = calendar.local(now).date()
    end_today = calendar.end_of_day(today)
    end_next = calendar.end_of_day(calendar.next_business_day(today))
    scope = [("c.owner_id = %s", [user.pk])] if filters.mine else []
    matches = _filter_matches(filters, now=now, end_today=end_today, end_next=end_next)
    order, counts = _page_with_counts(
        act_by_table(turnarounds, scope=scope, matches=matches),
        buckets=(now, end_today, end_next),
        offset=start,
        limit=limit + 1,
    )
    has_next = len(order) > limit
    order = order[:limit]
    shown = _display_rows([pk for pk, _, _ in order])
    context = {"now": now, "calendar": calendar, "turnarounds": turnarounds}
    case_url = _case_urls()
    rows = [
        _queue_row(shown[pk], next_due_at, act_by, case_url=case_url, **context)
        for pk, next_due_at, act_by in order
    ]
    return {
        "rows": rows,
        "counts": counts,
        "now": now,
        "page_number": page,
        "first_row": start + 1,
        "last_row": start + len(rows),
        "has_previous": page > 1,
        "has_next": has_next,
    }


def _display_rows(ids: list[int]) -> dict[int, Case]:
    """The shown cases with what their rows print: one query, joins on the current
    assignment (at most one per case) and its IMRO, the nearest running clock's name by a
    subquery evaluated for these rows only."""
    nearest = Clock.objects.filter(case=OuterRef("pk"), status=ClockStatus.RUNNING).order_by(
        "due_at", "pk"
    )
    shown = (
        Case.objects.filter(pk__in=ids)
        .select_related("member", "owner")
        .annotate(
            current=FilteredRelation(
                "assignments", condition=Q(assignments__ended_at__isnull=True)
            ),
            imro_name=F("current__imro__name"),
            assigned_imro_id=F("current__imro_id"),
            assignment_id=F("current__id"),
            imro_received_at=F("submission__imro_received_at"),
            next_clock=Subquery(nearest.values("name")[:1]),
        )
    )
    return {case.pk: case for case in shown}


def _queue_row(
    case: Case,
    next_due_at: datetime | None,
    act_by: datetime | None,
    *,
    now: datetime,
    calendar: BusinessCalendar,
    turnarounds: Turnarounds,
    case_url: Callable[[int], str],
) -> QueueRow:
    """One row of the queue, every text it prints worked out here, once: the template
    only places them (rendering was most of the page's Python time)."""
    case.next_due_at = next_due_at
    badge = (
        "" if next_due_at is None else due_window(due_at=next_due_at, now=now, calendar=calendar)
    )
    safe = safe_time(
        status=case.status,
        act_by=act_by,
        now=now,
        imro_received_at=case.imro_received_at,
        turnaround=turnarounds.for_imro(
            case.assigned_imro_id, assigned=case.assignment_id is not None
        ),
    )
    late = late_text(next_due_at, now=now) if badge == "overdue" else ""
    lead, moment = safe.label_parts(calendar, now)
    owner = case.owner.get_full_name() or case.owner.username
    clock_label = _next_clock_label(case)
    due_text = when_text(next_due_at) if next_due_at else ""
    cells = {
        "pk": case.pk,
        "url": case_url(case.pk),
        "tar": case.tar_number,
        "patient": case.member.internal_id,
        "status": case.get_status_display(),
        "review_type": case.get_review_type_display(),
        "badge": badge,
        "badge_text": BADGES.get(badge, "No clock"),
        "late": late,
        "act_lead": lead,
        "act_moment": moment,
        "act_iso": safe.act_by.isoformat() if safe.act_by else "",
        "next_step": safe.next_step,
        "at_risk": safe.at_risk,
        "risk_reason": safe.reason,
        "clock_label": clock_label,
        "due_text": due_text,
        "due_iso": next_due_at.isoformat() if next_due_at else "",
        "imro": case.imro_name or "—",
        "owner": owner,
    }
    return QueueRow(
        case=case,
        badge=badge,
        badge_text=cells["badge_text"],
        clock_label=clock_label,
        late=late,
        safe_time=safe,
        act_by_text=f"{lead} {moment}".strip(),
        act_by_parts=(lead, moment),
        due_text=due_text,
        owner_name=owner,
        cells=cells,
    )


# No real case has this id; its place in the reversed address is where a case's id goes.
_MARKER_ID = 987_654_321_987


def _case_urls() -> Callable[[int], str]:
    """The case page's address by id, reversed once per page instead of once per row
    (reverse() per row was a tenth of the queue's Python time)."""
    pattern = reverse("cases:detail", args=[_MARKER_ID])
    return lambda pk: pattern.replace(str(_MARKER_ID), str(pk))


def late_text(due_at: datetime, *, now: datetime) -> str:
    """How late an overdue clock is, in the unit a coordinator acts on (issue 19):
    minutes under an hour, hours under two days, then whole days."""
    minutes = int((now - due_at).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min late"
    if minutes < 48 * 60:
        return f"{minutes // 60} h late"
    return f"{minutes // (24 * 60)} d late"


# Conditions on act_by_table's rows; names, not ids, since the page's filters send names.
_OWNER_NAMED = "c.owner_id IN (SELECT id FROM {users} WHERE {username} = %s)"
_IMRO_NAMED = (
    "c.id IN (SELECT case_id FROM {assignments} WHERE ended_at IS NULL"
    " AND imro_id IN (SELECT id FROM {imros} WHERE name = %s))"
)
_NOT_SIGNED = (
    "NOT EXISTS (SELECT 1 FROM {determinations} d WHERE d.case_id = c.id"
    " AND d.signed_at IS NOT NULL)"
)
_ORDERED = "{queue} SELECT pk, next_due_at, act_by FROM queue ORDER BY {order} LIMIT %s"


def _filter_matches(
    filters: QueueFilters, *, now: datetime, end_today: datetime, end_next: datetime
) -> list[tuple[str, list]]:
    """The page's filters as SQL conditions on act_by_table's `c` and `k`."""
    when = connection.ops.adapt_datetimefield_value
    conditions: list[tuple[str, list]] = []
    if filters.window:
        if filters.window not in WINDOWS:
            raise ValueError(f"unknown due window {filters.window!r}")
        conditions.append(
            {
                "overdue": ("k.next_due_at < %s", [when(now)]),
                "today": (
                    "k.next_due_at >= %s AND k.next_due_at <= %s",
                    [when(now), when(end_today)],
                ),
                "next": (
                    "k.next_due_at > %s AND k.next_due_at <= %s",
                    [when(end_today), when(end_next)],
                ),
            }[filters.window]
        )
    if filters.status:
        conditions.append(("c.status = %s", [filters.status]))
    if filters.review_type:
        conditions.append(("c.review_type = %s", [filters.review_type]))
    if filters.owner:
        users = get_user_model()
        conditions.append(
            (
                _OWNER_NAMED.format(
                    users=connection.ops.quote_name(users._meta.db_table),
                    username=connection.ops.quote_name(users.USERNAME_FIELD),
                ),
                [filters.owner],
            )
        )
    if filters.imro:
        imros = connection.ops.quote_name(Imro._meta.db_table)
        conditions.append(
            (
                _IMRO_NAMED.format(
                    imros=imros, assignments=connection.ops.quote_name(Assignment._meta.db_table)
                ),
                [filters.imro],
            )
        )
    return conditions


# The scope's rows computed once (`base`, read three times), counted whole, and paged
# filtered: one statement, with filters or without, and a row even past the last page.
_PAGE_WITH_COUNTS = """
    {queue}
    SELECT page.pk, page.next_due_at, page.act_by,
        counts.c_overdue, counts.c_today, counts.c_next, counts.c_later, counts.c_none
    FROM (
        SELECT COUNT(CASE WHEN next_due_at < %s THEN 1 END) AS c_overdue,
            COUNT(CASE WHEN next_due_at >= %s AND next_due_at <= %s THEN 1 END) AS c_today,
            COUNT(CASE WHEN next_due_at > %s AND next_due_at <= %s THEN 1 END) AS c_next,
            COUNT(CASE WHEN next_due_at > %s THEN 1 END) AS c_later,
            COUNT(CASE WHEN next_due_at IS NULL THEN 1 END) AS c_none
        FROM base
    ) AS counts
    LEFT JOIN (
        SELECT pk, next_due_at, act_by FROM queue WHERE matches
        ORDER BY {order}
        LIMIT %s OFFSET %s
    ) AS page ON 1 = 1
    ORDER BY {page_order}
"""
# The case whose next step is needed soonest first; no running clock last.
_ORDER = "act_by IS NULL, act_by, next_due_at IS NULL, next_due_at, pk"


def _page_with_counts(
    queue: tuple[str, list],
    *,
    buckets: tuple[datetime, datetime, datetime],
    offset: int,
    limit: int,
) -> tuple[list[tuple], dict[str, int]]:
    """A page of (pk, next_due_at, act_by) and the bucket counts, in one query."""
    now, end_today, end_next = (connection.ops.adapt_datetimefield_value(b) for b in buckets)
    sql, params = queue
    statement = _PAGE_WITH_COUNTS.format(
        queue=sql,
        order=_ORDER,
        page_order=", ".join(f"page.{term}" for term in _ORDER.split(", ")),
    )
    bounds = [now, now, end_today, end_today, end_next, end_next]
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, *bounds, limit, offset))
        rows = cursor.fetchall()
    names = ("overdue", "today", "next", "later", "none")
    counts = dict(zip(names, rows[0][3:], strict=True))
    page = [(pk, aware(due), aware(act_by)) for pk, due, act_by, *_ in rows if pk is not None]
    return page, counts


def cmo_todo(*, now: datetime | None = None) -> dict[str, list[Case]]:
    """What waits for the CMO or a Physician Designee: referral approvals and extension
    decisions oldest clock first; determinations to sign by latest safe time (R-RPT-6),
    as the work queue orders them, each case with its queue row (`case.queue_row`)."""
    now = now or timezone.now()
    base = work_queue(now=now).select_related("member", "owner")
    todo = {
        "approvals": list(
            base.filter(referral_approved_at__isnull=True, status=Status.INTAKE)[:100]
        ),
        # Only while the one extension is still possible (R-DL-5): the IMRO clock runs,
        # unextended and not yet due.
        "extensions": list(
            base.filter(review_type="expedited", status=Status.SUBMITTED).filter(
                Exists(extendable_clocks(now=now).filter(case=OuterRef("pk")))
            )[:100]
        ),
        "signatures": _awaiting_signature(now=now),
    }
    offers = extension_offers(todo["extensions"], now=now)
    for case in todo["extensions"]:
        case.extension = offers.get(case.pk)
    for case in (case for cases in todo.values() for case in cases):
        case.next_clock_label = _next_clock_label(case)
    return todo


def _awaiting_signature(*, now: datetime, limit: int = 100) -> list[Case]:
    """Cases whose review is in and whose determination is not signed, the latest safe
    time first: the queue's own act-by SQL, scoped to them."""
    calendar = business_calendar()
    turnarounds = recent_turnarounds(now=now)
    determinations = connection.ops.quote_name(Determination._meta.db_table)
    sql, params = act_by_table(
        turnarounds,
        scope=[
            ("c.status = %s", [Status.REVIEW_RECEIVED]),
            (
                _NOT_SIGNED.format(determinations=determinations),
                [],
            ),
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _ORDERED.format(queue=sql, order=_ORDER),
            (*params, limit),
        )
        order = [(pk, aware(due), aware(act_by)) for pk, due, act_by in cursor.fetchall()]
    shown = _display_rows([pk for pk, _, _ in order])
    cases = []
    case_url = _case_urls()
    for pk, next_due_at, act_by in order:
        row = _queue_row(
            shown[pk],
            next_due_at,
            act_by,
            now=now,
            calendar=calendar,
            turnarounds=turnarounds,
            case_url=case_url,
        )
        row.case.queue_row = row
        cases.append(row.case)
    return cases


def _next_clock_label(case: Case) -> str:
    """The nearest running clock in words ("Date response needed"), never its id."""
    if not case.next_clock:
        return ""
    return rule_named(name=case.next_clock, review_type=case.review_type).label
