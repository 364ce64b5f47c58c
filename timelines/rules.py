"""The deadline rules table (R-DL-13, R-DL-16): data in code, effective-dated rows.

A policy change is one reviewed edit of RULES that *adds* rows: the old row gets an
`effective_to`, the new one an `effective_from`, and neither is rewritten afterwards. Each
row says which review types and case origins it applies to, what starts it, how its due
time is computed (one of four rule kinds that are never converted into each other), what
stops it, when it warns, whether passing it is a warning or a breach, where the rule comes
from, and when someone last checked it against that source.

A case uses the rows in force on the local date of its receipt at the plan (R-DL-16).
Each clock stores the key of the row it was computed with, so a later edit of the table
never changes a running clock by itself; `manage.py recompute_clocks --reason` does, on
purpose and in the case's history.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class RuleKind(StrEnum):
    BUSINESS_DAYS = "business_days"
    CALENDAR_DAYS = "calendar_days"
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

# Where the request came from (Case.origin, set at intake; R-DL-14).
APPEAL = "appeal"
PRE_SERVICE = "pre_service"
ALL_ORIGINS = frozenset({APPEAL, PRE_SERVICE, RETROSPECTIVE})

# The rows first written into the table apply from the policy's original date
# (MCUP3138, 06/13/2018), before any case the product holds; they were checked against
# policy revision 08/14/2024 and SPEC R-DL-14 on the last-reviewed date.
POLICY_ORIGINAL_DATE = date(2018, 6, 13)
FIRST_REVIEW = date(2026, 12, 3)


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    # Business days, calendar days or elapsed hours; unused (0) for a fixed date.
    amount: int = 0

    def describe(self) -> str:
        if self.kind == RuleKind.BUSINESS_DAYS:
            return f"{self.amount} business days"
        if self.kind == RuleKind.CALENDAR_DAYS:
            return f"{self.amount} calendar days"
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
    # The case origins the row applies to (R-DL-14); most rows apply whatever the origin.
    origins: frozenset[str] = ALL_ORIGINS
    # In force from this local date of receipt at the plan, up to and including
    # effective_to (open-ended when None) (R-DL-16).
    effective_from: date = POLICY_ORIGINAL_DATE
    effective_to: date | None = None
    last_reviewed: date = FIRST_REVIEW

    @property
    def key(self) -> str:
        """Stable identity of the row, stored on each clock computed with it."""
        origins = "any" if self.origins == ALL_ORIGINS else "+".join(sorted(self.origins))
        return f"{self.name}/{'+'.join(sorted(self.review_types))}/{origins}/{self.effective_from}"

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def as_row(self) -> dict[str, object]:
        """The row as "How this was computed" and the preview show it (R-DL-16)."""
        return {
            "key": self.key,
            "description": self.rule.describe(),
            "citation": self.citation,
            "origins": sorted(self.origins),
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "last_reviewed": self.last_reviewed.isoformat(),
        }


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
        name="appeal_resolution",
        label="Appeal resolution (plan time frame)",
        review_types=frozenset({STANDARD}),
        trigger=Trigger.PLAN_RECEIPT,
        rule=Rule(RuleKind.CALENDAR_DAYS, 30),
        stops_on=StopEvent.APPEAL_RESOLVED,
        on_pass=OnPass.BREACH,
        citation="42 CFR 438.408(b)(2): standard resolution of an appeal within 30 calendar "
        "days of receipt at the plan; policy MCUP3138 VI.F.9: an independent medical review "
        "must happen inside that time frame (R-DL-14).",
        warn_on_last_day=True,
        origins=frozenset({APPEAL}),
    ),
    ClockRule(
        name="authorization_decision",
        label="Authorization decision (plan time frame)",
        review_types=frozenset({STANDARD}),
        trigger=Trigger.PLAN_RECEIPT,
        rule=Rule(RuleKind.CALENDAR_DAYS, 14),
        stops_on=StopEvent.APPEAL_RESOLVED,
        on_pass=OnPass.BREACH,
        citation="42 CFR 438.210(d)(1): standard authorization decision no later than 14 "
        "calendar days after receipt of the request; policy MCUP3138 VI.F.9: an independent "
        "medical review must happen inside that time frame (R-DL-14).",
        warn_on_last_day=True,
        origins=frozenset({PRE_SERVICE}),
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
        name="appeal_decision_federal",
        label="Appeal decision, federal count (retrospective)",
        review_types=frozenset({RETROSPECTIVE}),
        trigger=Trigger.PLAN_RECEIPT,
        rule=Rule(RuleKind.CALENDAR_DAYS, 30),
        stops_on=StopEvent.APPEAL_RESOLVED,
        on_pass=OnPass.WARNING,
        citation="42 CFR 438.408(b)(2) counts 30 calendar days from receipt at the plan; the "
        "policy's limit is 30 business days (VI.G.3, R-DL-7), so passing the federal count is "
        "a warning (R-DL-14).",
        warn_on_last_day=True,
        origins=frozenset({RETROSPECTIVE}),
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


def rules_for(
    *,
    review_type: str,
    origin: str | None = None,
    on: date | None = None,
    trigger: Trigger | None = None,
) -> list[ClockRule]:
    """The rows for a review type and case origin, in force on `on` (R-DL-16).

    `on` is the local date of receipt at the plan (None: every version). Without an
    origin only the rows that apply whatever the origin are returned (the preview).
    """
    return [
        row
        for row in RULES
        if review_type in row.review_types
        and (row.origins == ALL_ORIGINS if origin is None else origin in row.origins)
        and (on is None or row.in_force_on(on))
        and (trigger is None or row.trigger == trigger)
    ]


def rule_named(*, name: str, review_type: str) -> ClockRule:
    """The newest row of a clock name and review type (labels, stop events, warnings)."""
    rows = [row for row in RULES if row.name == name and review_type in row.review_types]
    if not rows:
        raise KeyError(f"no clock {name!r} for {review_type} reviews")
    return max(rows, key=lambda row: row.effective_from)


def rule_for_clock(*, rule_key: str, name: str, review_type: str) -> ClockRule:
    """The row a clock was computed with; clocks from before rows had keys fall back to
    the newest row of their name."""
    if rule_key:
        for row in RULES:
            if row.key == rule_key:
                return row
    return rule_named(name=name, review_type=review_type)
