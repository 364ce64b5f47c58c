"""The deadline rules table (R-DL-13): data in code, one row per clock.

A policy change is one reviewed edit of RULES. Each row says which review types it
applies to, what starts it, how its due time is computed (one of three rule kinds that
are never converted into each other), what stops it, when it warns, whether passing it
is a warning or a breach, and where the rule comes from.
"""

from dataclasses import dataclass
from enum import StrEnum


class RuleKind(StrEnum):
    BUSINESS_DAYS = "business_days"
    ELAPSED_HOURS = "elapsed_hours"
    FIXED_DATE = "fixed_date"


class Trigger(StrEnum):
    """What starts a clock. Other apps call clocks_start() with one of these."""

    PLAN_RECEIPT = "plan_receipt"
    REFERRAL_APPROVAL = "referral_approval"
    IMRO_RECEIPT = "imro_receipt"
    RESPONSE_NEEDED = "response_needed"


class StopEvent(StrEnum):
    """What stops a clock. Other apps call clocks_stop() with one of these."""

    DETERMINATION_RECEIVED = "determination_received"
    APPEAL_RESOLVED = "appeal_resolved"
    FILE_SENT = "file_sent"


class OnPass(StrEnum):
    """What passing the due time means."""

    WARNING = "warning"
    BREACH = "breach"


STANDARD = "standard"
EXPEDITED = "expedited"
RETROSPECTIVE = "retrospective"
ALL_REVIEW_TYPES = frozenset({STANDARD, EXPEDITED, RETROSPECTIVE})


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    # Business days or elapsed hours; unused (0) for a fixed date.
    amount: int = 0

    def describe(self) -> str:
        if self.kind == RuleKind.BUSINESS_DAYS:
            return f"{self.amount} business days"
        if self.kind == RuleKind.ELAPSED_HOURS:
            return f"{self.amount} elapsed hours"
        return "end of the given date"


@dataclass(frozen=True)
class ClockRule:
    name: str
    label: str
    review_types: frozenset[str]
    trigger: Trigger
    rule: Rule
    stops_on: StopEvent
    on_pass: OnPass
    citation: str
    # Hour clocks warn this many hours before due (R-DL-11).
    warn_hours_before: tuple[int, ...] = ()
    # Business-day and fixed-date clocks warn at 00:00 local of their last day (R-DL-11).
    warn_on_last_day: bool = False
    # Regulatory clocks appear in preview_deadlines (R-API-2); the internal one does not.
    regulatory: bool = True


HOUR_WARNINGS = (6, 2)

RULES: tuple[ClockRule, ...] = (
    ClockRule(
        name="imro_determination",
        label="IMRO determination",
        review_types=frozenset({STANDARD}),
        trigger=Trigger.IMRO_RECEIPT,
        rule=Rule(RuleKind.BUSINESS_DAYS, 5),
        stops_on=StopEvent.DETERMINATION_RECEIVED,
        on_pass=OnPass.BREACH,
        citation="Policy MCUP3138 VI.G.1: written determination within five business days "
        "of receipt of the request (R-DL-1).",
        warn_on_last_day=True,
    ),
    ClockRule(
        name="response_needed",
        label="Date response needed",
        review_types=frozenset({STANDARD}),
        trigger=Trigger.RESPONSE_NEEDED,
        rule=Rule(RuleKind.FIXED_DATE),
        stops_on=StopEvent.DETERMINATION_RECEIVED,
        on_pass=OnPass.BREACH,
        citation="Policy MCUP3138 VI.F.2.h: date response needed, end of that day (R-DL-2).",
        warn_on_last_day=True,
    ),
    ClockRule(
        name="imro_determination",
        label="IMRO determination (expedited)",
        review_types=frozenset({EXPEDITED}),
        trigger=Trigger.IMRO_RECEIPT,
        rule=Rule(RuleKind.ELAPSED_HOURS, 24),
        stops_on=StopEvent.DETERMINATION_RECEIVED,
        on_pass=OnPass.BREACH,
        citation="Policy MCUP3138 VI.G.2.b: determination within 24 hours of receipt of the "
        "request; one extension of 24 hours (R-DL-3, R-DL-5).",
        warn_hours_before=HOUR_WARNINGS,
    ),
    ClockRule(
        name="appeal_resolution",
        label="Appeal resolution (expedited)",
        review_types=frozenset({EXPEDITED}),
        trigger=Trigger.PLAN_RECEIPT,
        rule=Rule(RuleKind.ELAPSED_HOURS, 72),
        stops_on=StopEvent.APPEAL_RESOLVED,
        on_pass=OnPass.BREACH,
        citation="Policy MCUP3138 VI.G.2.b: appeal resolution within 72 hours of the date of "
        "receipt at the plan (R-DL-4).",
        warn_hours_before=HOUR_WARNINGS,
    ),
    ClockRule(
        name="imro_determination_target",
        label="IMRO determination, target (retrospective)",
        review_types=frozenset({RETROSPECTIVE}),
        trigger=Trigger.IMRO_RECEIPT,
        rule=Rule(RuleKind.BUSINESS_DAYS, 5),
        stops_on=StopEvent.DETERMINATION_RECEIVED,
        on_pass=OnPass.WARNING,
        citation="Policy MCUP3138 VI.G.3: written determination within five to seven business "
        "days; passing five is a warning (R-DL-6).",
        warn_on_last_day=True,
    ),
    ClockRule(
        name="imro_determination_limit",
        label="IMRO determination, limit (retrospective)",
        review_types=frozenset({RETROSPECTIVE}),
        trigger=Trigger.IMRO_RECEIPT,
        rule=Rule(RuleKind.BUSINESS_DAYS, 7),
        stops_on=StopEvent.DETERMINATION_RECEIVED,
        on_pass=OnPass.BREACH,
        citation="Policy MCUP3138 VI.G.3: written determination within five to seven business "
        "days; passing seven is a breach (R-DL-6).",
        warn_on_last_day=True,
    ),
    ClockRule(
        name="appeal_decision",
        label="Appeal decision (retrospective)",
        review_types=frozenset({RETROSPECTIVE}),
        trigger=Trigger.PLAN_RECEIPT,
        rule=Rule(RuleKind.BUSINESS_DAYS, 30),
        stops_on=StopEvent.APPEAL_RESOLVED,
        on_pass=OnPass.BREACH,
        citation="Policy MCUP3138 VI.G.3: appeal decision within 30 business days of the date "
        "of receipt at the plan (R-DL-7). Federal Medicaid managed care rules (42 CFR "
        "438.408(b)(2)) count 30 calendar days; the product follows the policy (R-DL-13).",
        warn_on_last_day=True,
    ),
    ClockRule(
        name="file_assembly",
        label="Referral file assembly (internal)",
        review_types=frozenset({STANDARD, RETROSPECTIVE}),
        trigger=Trigger.REFERRAL_APPROVAL,
        rule=Rule(RuleKind.BUSINESS_DAYS, 3),
        stops_on=StopEvent.FILE_SENT,
        on_pass=OnPass.WARNING,
        citation="Internal target R-DL-12: send the file within 3 business days of the CMO's "
        "referral decision (the figure Health & Safety Code 1374.30(n) sets for DMHC reviews).",
        warn_on_last_day=True,
        regulatory=False,
    ),
    ClockRule(
        name="file_assembly",
        label="Referral file assembly (internal, expedited)",
        review_types=frozenset({EXPEDITED}),
        trigger=Trigger.REFERRAL_APPROVAL,
        rule=Rule(RuleKind.ELAPSED_HOURS, 24),
        stops_on=StopEvent.FILE_SENT,
        on_pass=OnPass.WARNING,
        citation="Internal target R-DL-12: send the file within 24 hours of the CMO's referral "
        "decision when expedited (the figure Health & Safety Code 1374.30(n) sets).",
        warn_hours_before=HOUR_WARNINGS,
        regulatory=False,
    ),
)

# The expedited IMRO clock may be extended once by this many elapsed hours (R-DL-5).
EXTENSION_HOURS = 24


def rules_for(*, review_type: str, trigger: Trigger | None = None) -> list[ClockRule]:
    return [
        row
        for row in RULES
        if review_type in row.review_types and (trigger is None or row.trigger == trigger)
    ]


def rule_named(*, name: str, review_type: str) -> ClockRule:
    for row in RULES:
        if row.name == name and review_type in row.review_types:
            return row
    raise KeyError(f"no clock {name!r} for {review_type} reviews")
