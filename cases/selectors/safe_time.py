"""The latest safe time of an open case (R-RPT-6): by when its next step must happen.

For every clock still running, the latest moment the case's next step can happen and
the clock still be met:

    latest(clock) = clock due − the work that must still follow the step for that clock

The only work counted after a step is the IMRO's: before the file is sent (intake,
assembling), a clock that the review or the resolution stops can be met only if the file
goes out at least the IMRO's own median turnaround (IMRO receipt to review received, last
12 months, per organisation: VI.D) before it is due. The plan's own steps (sign, send the
notice, resolve) are counted as taking no time: the result is the *latest* moment, not a
comfortable one. The internal file-assembly clock is met by sending the file itself.

    act by = min over the running clocks of latest(clock)

A case is at risk when its act-by time has passed, or when the file is with the IMRO and
its median turnaround puts the review after the act-by time. Sorting by act-by puts first
the case whose next step is needed soonest, which is not always the case due soonest.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone

from cases import workflow
from cases.models import Case, Status
from imr.dates import when_text
from reviewers.models import Assignment
from reviewers.turnaround import Turnarounds, recent_turnarounds
from timelines.calendar import plan_zone
from timelines.deadlines import BusinessCalendar
from timelines.models import Clock, ClockStatus

BEFORE_THE_FILE = (Status.INTAKE, Status.ASSEMBLING)
# The clock met by the step "send the file" itself (R-DL-12).
FILE_CLOCK = "file_assembly"

NEXT_STEPS: dict[str, str] = {
    Status.INTAKE: "Approve the referral and send the file",
    Status.ASSEMBLING: "Send the file",
    Status.SUBMITTED: "Chase the IMRO",
    Status.REVIEW_RECEIVED: "Sign the determination",
    Status.DECIDED: "Send the notices",
    Status.NOTIFIED: "Resolve the case",
    Status.RESOLVED: "Close the case",
}


# One row per open case. `base`: the case `c` with its running clocks summarised `k`;
# then the act-by time, in two branches so that the IMRO's turnaround is looked up only
# for the cases before the file (and the planner, which costs a scalar subquery for
# every row of its branch, does not think it worth compiling the statement: JIT).
_ACT_BY_TABLE = """
    WITH base AS (
        SELECT c.id AS pk, c.status AS status, {matches} AS matches,
            k.next_due_at AS next_due_at, k.file_due AS file_due, k.other_due AS other_due
        FROM {case} c
        LEFT JOIN (
            SELECT case_id, MIN(due_at) AS next_due_at,
                MIN(CASE WHEN name = %s THEN due_at END) AS file_due,
                MIN(CASE WHEN name <> %s THEN due_at END) AS other_due
            FROM {clock}
            WHERE status = %s
            GROUP BY case_id
        ) k ON k.case_id = c.id
        WHERE c.status IN ({open}){scope}
    ),
    queue AS (
        SELECT pk, next_due_at, next_due_at AS act_by, matches FROM base
        WHERE status NOT IN ({before})
        UNION ALL
        SELECT pk, next_due_at, {act_by} AS act_by, matches FROM base c
        WHERE status IN ({before})
    )
"""


_ONE_CASE = "{queue} SELECT act_by FROM queue"


def act_by_table(
    turnarounds: Turnarounds,
    *,
    scope: list[tuple[str, list]] = (),
    matches: list[tuple[str, list]] = (),
) -> tuple[str, list]:
    """Open cases as rows (pk, next_due_at, act_by, matches): the SQL of two common table
    expressions, `base` (with next_due_at) and `queue` (with act_by), for the caller's
    SELECT to follow, and their parameters.

    `scope` narrows the rows (every count sees only them: "mine", one case); `matches`
    is the page's filters as one boolean column, so counts over the scope and the
    filtered page can come from one statement (cases.selectors.queue). Conditions are
    SQL on the case `c` and its running clocks' summary `k`; "pk" names the case's id.

    The running clocks are summarised per case first (nearest due time, nearest file
    clock, nearest other clock), read in case order from a covering partial index, then
    merged with the open cases, read in id order from theirs: no hash, and no grouping of
    a wide join as the earlier ORM form ran for every open case. The IMRO's turnaround is
    looked up (one index probe) only for a case before the file, the only one it shifts.
    """
    quote = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    allowance, allowance_params = _allowance_seconds(turnarounds, quote(Assignment._meta.db_table))
    if sqlite:
        shifted = f"datetime(other_due, '-' || ({allowance}) || ' seconds')"
        act_by = f"MIN(COALESCE(file_due, {shifted}), COALESCE({shifted}, file_due))"
    else:
        shifted = f"other_due - ({allowance}) * INTERVAL '1 second'"
        act_by = f"LEAST(file_due, {shifted})"  # LEAST passes over a NULL
    before = ", ".join(["%s"] * len(BEFORE_THE_FILE))
    open_statuses = ", ".join(["%s"] * len(workflow.OPEN))
    scope_sql = "".join(f" AND ({sql})" for sql, _ in scope)
    matches_sql = " AND ".join(f"({sql})" for sql, _ in matches) or "1 = 1"
    sql = _ACT_BY_TABLE.format(
        before=before,
        act_by=act_by,
        matches=matches_sql,
        case=quote(Case._meta.db_table),
        clock=quote(Clock._meta.db_table),
        open=open_statuses,
        scope=scope_sql,
    )
    params = [
        *[value for _, values in matches for value in values],
        FILE_CLOCK,
        FILE_CLOCK,
        ClockStatus.RUNNING,
        *workflow.OPEN,
        *[value for _, values in scope for value in values],
        *BEFORE_THE_FILE,
        *(allowance_params * (2 if sqlite else 1)),  # SQLite's form names it twice
        *BEFORE_THE_FILE,
    ]
    return sql, params


def _allowance_seconds(turnarounds: Turnarounds, assignments: str) -> tuple[str, list]:
    """The IMRO's median turnaround in whole seconds, by the case's current assignment:
    its IMRO's, the independent specialists' (an assignment with no IMRO), or the median
    over every review when no reviewer is assigned yet (or that IMRO had no review in
    the lookback). A scalar subquery on `c`: at most one current assignment per case
    (reviewers' one_current_assignment_per_case)."""
    overall = int((turnarounds.overall or timedelta(0)).total_seconds())
    whens, params = [], []
    for imro_id, median in turnarounds.by_imro.items():
        if imro_id is None:
            whens.append("WHEN a.imro_id IS NULL THEN %s")
            params.append(int(median.total_seconds()))
        else:
            whens.append("WHEN a.imro_id = %s THEN %s")
            params += [imro_id, int(median.total_seconds())]
    if not whens:
        return "%s", [overall]
    sql = _ALLOWANCE.format(whens=" ".join(whens), assignments=assignments)
    return sql, [*params, overall, overall]


_ALLOWANCE = (
    "COALESCE((SELECT CASE {whens} ELSE %s END FROM {assignments} a"
    " WHERE a.case_id = c.pk AND a.ended_at IS NULL), %s)"
)


def aware(value: object) -> datetime | None:
    """A time read by raw SQL: SQLite hands back text, PostgreSQL aware datetimes."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


@dataclass(frozen=True)
class SafeTime:
    act_by: datetime | None
    next_step: str
    at_risk: bool
    # Why it is at risk, in words; empty when it is not.
    reason: str
    expected_review_at: datetime | None = None

    def label(self, calendar: BusinessCalendar, now: datetime) -> str:
        """ "Act by Thu 14:00" within a week, with the date further out."""
        return " ".join(self.label_parts(calendar, now)).strip()

    def label_parts(self, calendar: BusinessCalendar, now: datetime) -> tuple[str, str]:
        """The label as (lead, moment), so the queue can put the moment on its own line:
        ("Act by", "Thu 14:00"), ("Act-by passed", "Thu 2026-06-04 23:59 PDT")."""
        if self.act_by is None:
            return ("", "")
        local = calendar.local(self.act_by)
        if self.act_by < now:
            return ("Act-by passed", when_text(self.act_by))
        within_week = timedelta(0) <= self.act_by - now < timedelta(days=6)
        # Within the week the weekday says enough; further out, the product's one format.
        return ("Act by", f"{local:%a %H:%M}" if within_week else when_text(self.act_by))


def safe_time(
    *,
    status: str,
    act_by: datetime | None,
    now: datetime,
    imro_received_at: datetime | None,
    turnaround: timedelta | None,
) -> SafeTime:
    """The act-by time of one case with its next step and risk (see the module note)."""
    step = NEXT_STEPS.get(status, "")
    if act_by is None:
        return SafeTime(None, step, False, "")
    if act_by < now:
        return SafeTime(act_by, step, True, "The latest safe time has passed.")
    expected = None
    if status == Status.SUBMITTED and imro_received_at and turnaround is not None:
        expected = imro_received_at + turnaround
        if expected > act_by:
            return SafeTime(
                act_by,
                step,
                True,
                "At the IMRO's median turnaround the review arrives after the clock is due.",
                expected,
            )
    return SafeTime(act_by, step, False, "", expected)


def case_safe_time(case: Case, *, now: datetime | None = None) -> SafeTime:
    """The latest safe time of one case, by the work queue's own SQL (three queries)."""
    now = now or timezone.now()
    turnarounds = recent_turnarounds(now=now)
    sql, params = act_by_table(turnarounds, scope=[("c.id = %s", [case.pk])])
    with connection.cursor() as cursor:
        cursor.execute(_ONE_CASE.format(queue=sql), params)
        row = cursor.fetchone()
    current = case.assignments.filter(ended_at__isnull=True).values_list("imro_id").first()
    submission = getattr(case, "submission", None) if case.status == Status.SUBMITTED else None
    return safe_time(
        status=case.status,
        act_by=aware(row[0]) if row else None,
        now=now,
        imro_received_at=submission.imro_received_at if submission else None,
        turnaround=turnarounds.for_imro(current[0] if current else None, assigned=bool(current)),
    )


def safe_time_json(safe: SafeTime) -> dict[str, object]:
    """For the API: times in the plan's zone with their offset."""

    def local(moment: datetime | None) -> str | None:
        return moment.astimezone(plan_zone()).isoformat() if moment else None

    return {
        "act_by": local(safe.act_by),
        "next_step": safe.next_step,
        "at_risk": safe.at_risk,
        "reason": safe.reason,
        "expected_review_at": local(safe.expected_review_at),
    }
