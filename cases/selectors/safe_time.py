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
from datetime import datetime, timedelta

from django.db.models import Case as Conditional
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from cases.models import Case, Status
from imr.dates import when_text
from reviewers.turnaround import Turnarounds, recent_turnarounds
from timelines.calendar import plan_zone
from timelines.deadlines import BusinessCalendar
from timelines.selectors import open_cases_by_due

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


def with_act_by(cases: QuerySet[Case], turnarounds: Turnarounds) -> QuerySet[Case]:
    """`cases` (annotated by open_cases_by_due, with its `running` clocks) with `act_by`.

    One aggregate over the same join as next_due_at: each running clock's due time, less
    the IMRO's median turnaround when the file is still to be sent.
    """
    current = FilteredRelation("assignments", condition=Q(assignments__ended_at__isnull=True))
    allowance = Conditional(
        *(
            When(current_assignment__imro_id=imro_id, then=Value(median))
            for imro_id, median in turnarounds.by_imro.items()
            if imro_id is not None
        ),
        *(
            [
                When(
                    current_assignment__isnull=False,
                    current_assignment__imro__isnull=True,
                    then=Value(turnarounds.by_imro[None]),
                )
            ]
            if None in turnarounds.by_imro
            else []
        ),
        default=Value(turnarounds.overall or timedelta(0)),
        output_field=DurationField(),
    )
    latest = Conditional(
        When(
            Q(status__in=BEFORE_THE_FILE) & ~Q(running__name=FILE_CLOCK),
            then=ExpressionWrapper(F("running__due_at") - allowance, output_field=DateTimeField()),
        ),
        default=F("running__due_at"),
        output_field=DateTimeField(),
    )
    return cases.annotate(current_assignment=current, act_by=Min(latest))


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
    """The latest safe time of one case, as the work queue computes it (three queries)."""
    now = now or timezone.now()
    turnarounds = recent_turnarounds(now=now)
    row = (
        with_act_by(open_cases_by_due(now=now).filter(pk=case.pk), turnarounds)
        .values_list("act_by", flat=True)
        .first()
    )
    current = case.assignments.filter(ended_at__isnull=True).values_list("imro_id").first()
    submission = getattr(case, "submission", None) if case.status == Status.SUBMITTED else None
    return safe_time(
        status=case.status,
        act_by=row,
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
