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
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from cases.models import Case, Determination, Status
from cases.selectors.safe_time import SafeTime, safe_time, with_act_by
from reviewers.models import Assignment
from reviewers.turnaround import recent_turnarounds
from timelines.calendar import business_calendar
from timelines.models import Clock, ClockStatus
from timelines.rules import rule_named
from timelines.selectors import (
    BADGES,
    WINDOWS,
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
    safe_time: SafeTime | None = None
    # "Act by Thu 14:00" (R-RPT-6); empty without a running clock.
    act_by_text: str = ""
    act_by_parts: tuple[str, str] = ("", "")  # the same, as (lead, moment)


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
    """Open cases by latest safe time (R-RPT-6), a page at a time, with counts per due
    bucket.

    Four queries whatever the filters: the holidays, the newest review (the key of the
    cached IMRO medians, `recent_turnarounds`; their own query once an hour or after a
    new review), one ordered query returning the page and the bucket counts, and the
    display rows. The ordering query reads only case ids and times (no joins for
    display), so the member, owner, clock name and IMRO are fetched for the rows shown
    only. The bucket counts are over every open case (only "mine" narrows them), the
    page over the filtered ones: the filters travel as one boolean column that the
    page's outer query keeps.
    """
    now = now or timezone.now()
    calendar = business_calendar()
    turnarounds = recent_turnarounds(now=now)
    cases = with_act_by(open_cases_by_due(user=user, mine=filters.mine, now=now), turnarounds)
    page = max(page, 1)
    start = (page - 1) * limit
    today = calendar.local(now).date()
    end_today = calendar.end_of_day(today)
    end_next = calendar.end_of_day(calendar.next_business_day(today))
    buckets = (now, now, end_today, end_today, end_next, end_next)
    matches = _filter_matches(filters, now=now, end_today=end_today, end_next=end_next)
    if matches is not None and filters.imro:
        cases = _with_imro(cases)
    order, counts = _page_with_counts(cases, matches, buckets, offset=start, limit=limit + 1)
    if counts is None:
        # A page past the end (or a filter nothing matches) has no row to carry them.
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
    current = Assignment.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    shown = _with_imro(
        Case.objects.filter(pk__in=[pk for pk, _, _ in order])
        .select_related("member", "owner")
        .annotate(
            next_clock=Subquery(nearest.values("name")[:1]),
            imro_received_at=F("submission__imro_received_at"),
            assigned_imro_id=Subquery(current.values("imro_id")[:1]),
            assigned=Exists(current),
        )
    )
    by_pk = {case.pk: case for case in shown}
    rows = []
    for pk, next_due_at, act_by in order:
        case = by_pk[pk]
        case.next_due_at = next_due_at
        if next_due_at is None:
            badge = ""
        else:
            badge = due_window(due_at=next_due_at, now=now, calendar=calendar)
        safe = safe_time(
            status=case.status,
            act_by=act_by,
            now=now,
            imro_received_at=case.imro_received_at,
            turnaround=turnarounds.for_imro(case.assigned_imro_id, assigned=case.assigned),
        )
        rows.append(
            QueueRow(
                case=case,
                badge=badge,
                badge_text=BADGES.get(badge, "No clock"),
                clock_label=_next_clock_label(case),
                late=late_text(next_due_at, now=now) if badge == "overdue" else "",
                safe_time=safe,
                act_by_text=safe.label(calendar, now),
                act_by_parts=safe.label_parts(calendar, now),
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


def _filter_matches(
    filters: QueueFilters, *, now: datetime, end_today: datetime, end_next: datetime
) -> Q | None:
    """The page's filters as one condition (None: no filter beyond "mine")."""
    conditions = []
    if filters.window:
        if filters.window not in WINDOWS:
            raise ValueError(f"unknown due window {filters.window!r}")
        conditions.append(
            {
                "overdue": Q(next_due_at__lt=now),
                "today": Q(next_due_at__gte=now, next_due_at__lte=end_today),
                "next": Q(next_due_at__gt=end_today, next_due_at__lte=end_next),
            }[filters.window]
        )
    if filters.status:
        conditions.append(Q(status=filters.status))
    if filters.review_type:
        conditions.append(Q(review_type=filters.review_type))
    if filters.owner:
        conditions.append(Q(owner__username=filters.owner))
    if filters.imro:
        conditions.append(Q(imro_name=filters.imro))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined &= condition
    return combined


_BUCKET_COUNTS = """
    SELECT pk, next_due_at, act_by, c_overdue, c_today, c_next, c_later, c_none
    FROM (
        SELECT pk, next_due_at, act_by, matches,
            COUNT(*) FILTER (WHERE next_due_at < %s) OVER () AS c_overdue,
            COUNT(*) FILTER (WHERE next_due_at >= %s AND next_due_at <= %s) OVER () AS c_today,
            COUNT(*) FILTER (WHERE next_due_at > %s AND next_due_at <= %s) OVER () AS c_next,
            COUNT(*) FILTER (WHERE next_due_at > %s) OVER () AS c_later,
            COUNT(*) FILTER (WHERE next_due_at IS NULL) OVER () AS c_none
        FROM ({inner}) AS queue
    ) AS counted
    WHERE matches
    ORDER BY act_by IS NULL, act_by, next_due_at IS NULL, next_due_at, pk
    LIMIT %s OFFSET %s
"""


def _page_with_counts(
    cases: QuerySet[Case], matches: Q | None, buckets: tuple, *, offset: int, limit: int
) -> tuple[list[tuple], dict | None]:
    """A page of (pk, next_due_at, act_by) and the bucket counts over every row, in one
    query.

    Window aggregates see every row before the outer WHERE and LIMIT, so the grouped join
    over open cases and running clocks runs once instead of twice, with filters or not.
    No matching row on the page: None, and the caller counts separately.
    """
    flag = ExpressionWrapper(
        matches if matches is not None else Q(pk__isnull=False), BooleanField()
    )
    # Unordered inside: the window needs no sort, and the outer top-N sort orders the page.
    inner, params = (
        cases.annotate(matches=flag)
        .order_by()
        .values_list("pk", "next_due_at", "act_by", "matches")
        .query.sql_with_params()
    )
    # Raw SQL gets no field conversion: each backend's own form of the bucket bounds.
    bounds = [connection.ops.adapt_datetimefield_value(value) for value in buckets]
    with connection.cursor() as cursor:
        cursor.execute(_BUCKET_COUNTS.format(inner=inner), (*bounds, *params, limit, offset))
        rows = cursor.fetchall()
    if not rows:
        return [], None
    names = ("overdue", "today", "next", "later", "none")
    counts = dict(zip(names, rows[0][3:], strict=True))
    return [(pk, _aware(due), _aware(act_by)) for pk, due, act_by, *_ in rows], counts


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
