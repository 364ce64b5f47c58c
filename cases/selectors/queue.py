"""The staff work queue (R-TRK-3) and the CMO's to-do list: reads only, constant queries.

Neither is access-logged, unlike the case list (AccessLog `view_list`, R-TRK-8): their
rows name no member (no name, CIN or date of birth): the case and TAR number, the
random internal identifier, status and clocks. Adding member PHI to a row here means
logging the rows shown, as cases.views.case_list does.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import Case, Determination, Status
from reviewers.models import Assignment
from timelines.calendar import business_calendar
from timelines.models import Clock, ClockStatus
from timelines.rules import rule_named
from timelines.selectors import (
    BADGES,
    due_window,
    extendable_clocks,
    extension_offers,
    open_cases_by_due,
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


def _with_imro(cases: QuerySet[Case]) -> QuerySet[Case]:
    current = Assignment.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    return cases.annotate(imro_name=Subquery(current.values("imro__name")[:1]))


PAGE_SIZE = 50


def queue_page(
    *,
    user: AbstractBaseUser,
    filters: QueueFilters,
    now: datetime | None = None,
    page: int = 1,
    limit: int = PAGE_SIZE,
) -> dict:
    """Open cases by nearest due clock, a page at a time, with counts per due bucket.

    Two or three queries. The ordering query reads only case ids and due times (no
    joins for display), so the member, owner, clock name and IMRO are fetched for the
    rows shown only. A page holds `limit` rows: the most urgent work is on page 1, and
    rendering a few hundred rows was most of the page's cost with thousands open.
    Unfiltered (the usual view), the bucket counts come with the page from one query;
    filtered, they are counted separately, since they ignore the filters.
    """
    now = now or timezone.now()
    calendar = business_calendar()
    cases = open_cases_by_due(user=user, mine=filters.mine, window=filters.window or None, now=now)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.review_type:
        cases = cases.filter(review_type=filters.review_type)
    if filters.owner:
        cases = cases.filter(owner__username=filters.owner)
    if filters.imro:
        cases = _with_imro(cases).filter(imro_name=filters.imro)
    page = max(page, 1)
    start = (page - 1) * limit
    today = calendar.local(now).date()
    end_today = calendar.end_of_day(today)
    end_next = calendar.end_of_day(calendar.next_business_day(today))
    buckets = (now, now, end_today, end_today, end_next, end_next)
    if filters == QueueFilters(mine=filters.mine):
        # The counts are over the same rows as the page: one pass of the aggregate.
        order, counts = _page_with_counts(cases, buckets, offset=start, limit=limit + 1)
    else:
        order = list(cases.values_list("pk", "next_due_at")[start : start + limit + 1])
        counts = None
    if counts is None:
        counts = open_cases_by_due(user=user, mine=filters.mine, now=now).aggregate(
            overdue=Count("pk", filter=Q(next_due_at__lt=now)),
            today=Count("pk", filter=Q(next_due_at__gte=now, next_due_at__lte=end_today)),
            next=Count("pk", filter=Q(next_due_at__gt=end_today, next_due_at__lte=end_next)),
            later=Count("pk", filter=Q(next_due_at__gt=end_next)),
            none=Count("pk", filter=Q(next_due_at__isnull=True)),
        )
    has_next = len(order) > limit
    order = order[:limit]
    nearest = Clock.objects.filter(case=OuterRef("pk"), status=ClockStatus.RUNNING).order_by(
        "due_at", "pk"
    )
    shown = _with_imro(
        Case.objects.filter(pk__in=[pk for pk, _ in order])
        .select_related("member", "owner")
        .annotate(next_clock=Subquery(nearest.values("name")[:1]))
    )
    by_pk = {case.pk: case for case in shown}
    rows = []
    for pk, next_due_at in order:
        case = by_pk[pk]
        case.next_due_at = next_due_at
        if next_due_at is None:
            badge = ""
        else:
            badge = due_window(due_at=next_due_at, now=now, calendar=calendar)
        label = _next_clock_label(case)
        rows.append(
            QueueRow(
                case=case,
                badge=badge,
                badge_text=BADGES.get(badge, "No clock"),
                clock_label=label,
                late=late_text(next_due_at, now=now) if badge == "overdue" else "",
            )
        )
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


def late_text(due_at: datetime, *, now: datetime) -> str:
    """How late an overdue clock is, in the unit a coordinator acts on (issue 19):
    minutes under an hour, hours under two days, then whole days."""
    minutes = int((now - due_at).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min late"
    if minutes < 48 * 60:
        return f"{minutes // 60} h late"
    return f"{minutes // (24 * 60)} d late"


_BUCKET_COUNTS = """
    SELECT pk, next_due_at,
        COUNT(*) FILTER (WHERE next_due_at < %s) OVER (),
        COUNT(*) FILTER (WHERE next_due_at >= %s AND next_due_at <= %s) OVER (),
        COUNT(*) FILTER (WHERE next_due_at > %s AND next_due_at <= %s) OVER (),
        COUNT(*) FILTER (WHERE next_due_at > %s) OVER (),
        COUNT(*) FILTER (WHERE next_due_at IS NULL) OVER ()
    FROM ({inner}) AS queue
    ORDER BY next_due_at IS NULL, next_due_at, pk
    LIMIT %s OFFSET %s
"""


def _page_with_counts(
    cases: QuerySet[Case], buckets: tuple, *, offset: int, limit: int
) -> tuple[list[tuple], dict | None]:
    """A page of (pk, next_due_at) and the bucket counts over every row, in one query.

    Window aggregates see every row before LIMIT, so the grouped join over open cases
    and running clocks runs once instead of twice. A page past the end has no row to
    carry the counts: None, and the caller counts separately.
    """
    # Unordered inside: the window needs no sort, and the outer top-N sort orders the page.
    inner, params = cases.order_by().values_list("pk", "next_due_at").query.sql_with_params()
    # Raw SQL gets no field conversion: each backend's own form of the bucket bounds.
    bounds = [connection.ops.adapt_datetimefield_value(value) for value in buckets]
    with connection.cursor() as cursor:
        cursor.execute(_BUCKET_COUNTS.format(inner=inner), (*bounds, *params, limit, offset))
        rows = cursor.fetchall()
    if not rows:
        return [], None
    names = ("overdue", "today", "next", "later", "none")
    counts = dict(zip(names, rows[0][2:], strict=True))
    return [(pk, _aware(due)) for pk, due, *_ in rows], counts


def _aware(value):
    """SQLite hands back strings or naive datetimes; PostgreSQL aware ones."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def cmo_todo(*, now: datetime | None = None) -> dict[str, list[Case]]:
    """What waits for the CMO or a Physician Designee, oldest clock first."""
    now = now or timezone.now()
    signed = Determination.objects.filter(case=OuterRef("pk"), signed_at__isnull=False)
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
        "signatures": list(
            base.filter(status=Status.REVIEW_RECEIVED).exclude(Exists(signed))[:100]
        ),
    }
    offers = extension_offers(todo["extensions"], now=now)
    for case in todo["extensions"]:
        case.extension = offers.get(case.pk)
    for case in (case for cases in todo.values() for case in cases):
        case.next_clock_label = _next_clock_label(case)
    return todo


def _next_clock_label(case: Case) -> str:
    """The nearest running clock in words ("Date response needed"), never its id."""
    if not case.next_clock:
        return ""
    return rule_named(name=case.next_clock, review_type=case.review_type).label
