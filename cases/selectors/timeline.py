"""The case's timeline as the case page draws it (issue 19): its steps as dots on one time
axis and each clock as a bar from its start to its due time, marked met or missed.

People read a timeline faster than a table; the page draws this as a server-rendered SVG
(templates/cases/_case_timeline.html) with a title, a description and a text list of the
same facts, so a screen reader gets everything the picture shows. Positions are computed
here, once, in the SVG's own units: the template only places them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from cases.models import Case
from cases.selectors.determination import DecisionPanel
from imr.dates import when_text
from reviewers.selectors import ReviewerPanel
from timelines.selectors import ClockView

WIDTH = 960  # the SVG's viewBox width
LABELS = 270  # the left column holding each row's name
ROW = 26  # height of one row
TOP = 30  # room for the axis labels above the first row


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime
    x: float
    y: float

    @property
    def text(self) -> str:
        return f"{self.label}: {when_text(self.at)}"


@dataclass(frozen=True)
class Bar:
    label: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    status: str  # running, met, missed, cancelled
    x: float
    width: float
    y: float
    mark_x: float | None  # where the clock stopped, or "now" for a running one
    overdue_width: float = 0.0  # a running clock past due: from the due time to now

    @property
    def late_x(self) -> float:
        return round(self.x + self.width, 1)

    @property
    def text(self) -> str:
        due = f"due {when_text(self.due_at)}"
        if self.status == "met":
            return f"{self.label}: {due}, met at {when_text(self.stopped_at)}"
        if self.status == "missed":
            return f"{self.label}: {due}, missed (stopped {when_text(self.stopped_at)})"
        if self.status == "cancelled":
            return f"{self.label}: {due}, cancelled"
        if self.overdue_width:
            return f"{self.label}: {due}, running and overdue"
        return f"{self.label}: {due}, running"


@dataclass(frozen=True)
class Timeline:
    steps: list[Step]
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    now_x: float | None
    height: int
    width: int = WIDTH
    labels: int = LABELS

    @property
    def summary(self) -> str:
        met = sum(1 for b in self.bars if b.status == "met")
        missed = sum(1 for b in self.bars if b.status == "missed")
        running = sum(1 for b in self.bars if b.status == "running")
        return (
            f"{len(self.steps)} step{'s' if len(self.steps) != 1 else ''} so far; "
            f"clocks: {running} running, {met} met, {missed} missed."
        )


def case_timeline(
    *,
    case: Case,
    clocks: list[ClockView],
    panel: ReviewerPanel | None,
    decision: DecisionPanel | None,
    now: datetime | None = None,
) -> Timeline:
    """The steps reached and the clocks of the case, placed on one time axis.

    `clocks` are the case page's ClockViews, `panel` its reviewer panel and `decision` its
    decision panel, so the timeline costs no query of its own.
    """
    now = now or timezone.now()
    moments: list[tuple[str, datetime | None]] = [
        ("Received at the plan", case.received_at_plan),
        ("Referral approved", case.referral_approved_at),
    ]
    submission = getattr(panel, "submission", None)
    if submission is not None:
        moments += [
            ("File sent to the reviewer", submission.submitted_at),
            ("IMRO receipt", submission.imro_received_at),
        ]
    review = getattr(panel, "review", None)
    if review is not None:
        moments.append(("Reviewer's determination", review.received_at))
    current = getattr(decision, "current", None) if decision else None
    if current is not None and current.signed_at:
        moments.append(("Coverage determination signed", current.signed_at))
    for item in getattr(decision, "party_letters", []) if decision else []:
        if item.letter is not None:
            moments.append((f"{item.label} notified", item.letter.sent_at))
    reached = [(label, at) for label, at in moments if at is not None]
    shown = [c for c in clocks if str(c.clock.status) != "cancelled"]
    times = [at for _, at in reached]
    for c in shown:
        times += [c.clock.started_at, c.clock.due_at]
        if c.clock.stopped_at:
            times.append(c.clock.stopped_at)
    if case.is_open:
        times.append(now)
    start, end = min(times), max(times)
    span = max((end - start).total_seconds(), 3600.0)
    plot = WIDTH - LABELS - 20

    def x(at: datetime) -> float:
        return round(LABELS + plot * (at - start).total_seconds() / span, 1)

    steps = [
        Step(label=label, at=at, x=x(at), y=TOP + ROW * n + ROW / 2)
        for n, (label, at) in enumerate(sorted(reached, key=lambda m: m[1]))
    ]
    bars = []
    for n, c in enumerate(shown, start=len(steps)):
        clock = c.clock
        # A date the practitioner asked for can already be past at intake: a thin bar
        # at the due time then, not a span that would read as time allowed.
        left, right = x(clock.started_at), x(clock.due_at)
        if right < left:
            left = right
        mark = clock.stopped_at or (now if clock.is_running and case.is_open else None)
        late_to = now if clock.is_running and case.is_open and now > clock.due_at else None
        bars.append(
            Bar(
                label=c.label,
                started_at=clock.started_at,
                due_at=clock.due_at,
                stopped_at=clock.stopped_at,
                status=str(clock.status),
                x=left,
                width=max(right - left, 2.0),
                y=TOP + ROW * n + 5,
                mark_x=x(mark) if mark else None,
                overdue_width=round(x(late_to) - right, 1) if late_to else 0.0,
            )
        )
    ticks = [
        (x(start), when_text(start)),
        (x(end), when_text(end)),
    ]
    rows = len(steps) + len(bars)
    return Timeline(
        steps=steps,
        bars=bars,
        ticks=ticks,
        now_x=x(now) if case.is_open and start <= now <= end else None,
        height=TOP + ROW * rows + 10,
    )
