"""The definitions behind the regulatory-shaped report sections (R-RPT-3, R-RPT-4).

Published plans already disagree on what "approved", "on time" or "extended" means, so
every choice the UM 5 and CMS-0057-F tables make is written here once, with its source,
and printed beside the numbers (the `METHODOLOGY_*` texts). A change of definition is a
reviewed edit of this module; the tables and the docs read from it.

Citations of the CMS-0057-F metrics. The interoperability and prior authorization final
rule (CMS-0057-F, 89 FR 8758, 2024-02-08) makes Medicaid managed care plans publish
prior authorization metrics once a year at 42 CFR 438.210(f). As we read the rule, that
paragraph does not list the metrics itself: it points to the list written for the State
Medicaid agency (42 CFR 440.230(e)(1)), whose items name each figure (standard requests
approved, denied, approved after appeal; requests whose review time frame was extended
and then approved; expedited requests approved, denied; the average and median time to
a determination, standard and expedited). The text of the rule was not at hand when
these citations were written, so no sub-paragraph number is cited: each definition
names the paragraph (438.210(f)) and the metric in the rule's own words, which is
certain, rather than an item number that might be off by one. Earlier versions cited
"438.210(f)(1)" for every metric; that number was not verified and is withdrawn. The
plan follows the figures SPEC R-RPT-4 lists (shares approved and denied, standard and
expedited; approved after appeal; approved after an extension; mean and median time to
decision).
"""

from dataclasses import dataclass

from cases.models import Outcome, ReviewType
from timelines.rules import RULES, OnPass, StopEvent


@dataclass(frozen=True)
class Definition:
    term: str
    meaning: str
    citation: str

    def as_text(self) -> str:
        return f"{self.term}: {self.meaning} ({self.citation})"


# The plan's own overall clock of a case (R-DL-14): the regulatory breach clock that the
# case's resolution stops. It is the time frame both the decision and its written notice
# must meet (42 CFR 438.210(d), 438.408(b); policy VI.F.9, VI.G.2.b, VI.G.3).
PLAN_CLOCKS: frozenset[str] = frozenset(
    rule.name
    for rule in RULES
    if rule.regulatory
    and rule.on_pass == OnPass.BREACH
    and rule.stops_on == StopEvent.APPEAL_RESOLVED
)

# UM 5 measures decisions by urgency; the product's review types are the decision types.
DECISION_TYPES: tuple[tuple[str, str], ...] = tuple(ReviewType.choices)
# CMS-0057-F reports standard and expedited prior authorization separately.
CMS_DECISION_TYPES: tuple[str, ...] = (ReviewType.STANDARD, ReviewType.EXPEDITED)

# UM 5's performance goal used as the line the shares are read against.
UM5_TARGET_SHARE = 90.0

# An approval is a determination that authorizes the service as requested. A
# modification authorizes less than was asked: 42 CFR 438.400(b)(1) calls "the denial or
# limited authorization of a requested service" an adverse benefit determination, so a
# partial approval counts as denied.
APPROVED_OUTCOMES: frozenset[str] = frozenset({Outcome.APPROVE})
DENIED_OUTCOMES: frozenset[str] = frozenset({Outcome.DENY, Outcome.MODIFY})

UM5_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Decision type",
        "the case's review type: standard, expedited (urgent pre-service or expedited "
        "appeal) or retrospective (post-service)",
        "NCQA UM 5 (timeliness of UM decisions) by urgency; policy MCUP3138 VI.G",
    ),
    Definition(
        "Time frame",
        "the due time of the case's plan clock (appeal resolution: 30 calendar days, or "
        "72 hours expedited; pre-service authorization decision: 14 calendar days; "
        "retrospective appeal decision: 30 business days), as computed when the case was "
        "received",
        "42 CFR 438.408(b)(2)-(3), 42 CFR 438.210(d)(1)-(2), policy VI.F.9, VI.G.2.b, VI.G.3",
    ),
    Definition(
        "Decision on time",
        "the CMO's original signed determination (an amendment later does not move it) "
        "at or before the time frame's due time",
        "NCQA UM 5 element A; R-TRK-5",
    ),
    Definition(
        "Written notice on time",
        "the first written notice to the member (the member letter, sent by mail or secure "
        "link) at or before the same due time; the practitioner letter is not the measure",
        "NCQA UM 5 element B; 42 CFR 438.404(a), 438.408(d)(2); R-TRK-6",
    ),
    Definition(
        "Cases measured",
        "cases whose decision (or notice) is recorded, plus those still without one whose "
        "due time has passed (counted late); cases still inside their time frame are not "
        "measured yet, and cases without a plan clock are left out",
        "NCQA UM 5 file review: every file in the universe with a decision due",
    ),
    Definition(
        "Month",
        "the month of IMRO receipt in the plan's time zone, as the rest of the report",
        "R-RPT-1",
    ),
)

CMS_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Scope",
        "the IMR cases of the report with a signed determination; standard and expedited "
        "rows as the public report has them, retrospective shown for completeness",
        "42 CFR 438.210(f) (CMS-0057-F public reporting of prior authorization metrics: "
        "standard and expedited requests reported apart), R-RPT-4",
    ),
    Definition(
        "Approved / denied",
        "by the latest signed determination (an amendment replaces the one it corrects); "
        "a modification (partial approval) counts as denied",
        "42 CFR 438.400(b)(1): a limited authorization is an adverse benefit determination",
    ),
    Definition(
        "Withdrawals",
        "excluded: a withdrawn request has no decision, and the case never reached the "
        "IMRO, so it is not in the report's scope",
        "42 CFR 438.210(f): the metrics are shares of the prior authorization requests decided",
    ),
    Definition(
        "Approved after appeal",
        "cases whose origin is an appeal of the plan's adverse determination (VI.B.3) and "
        "whose final decision approves, as a share of all decided cases of the type",
        "42 CFR 438.210(f): the percentage of standard requests approved after appeal",
    ),
    Definition(
        "Approved after an extension",
        "cases whose expedited IMRO clock was extended once (R-DL-5) and whose final "
        "decision approves, as a share of all decided cases of the type",
        "42 CFR 438.210(f): the percentage of requests whose review time frame was "
        "extended and which were approved; policy VI.G.2.b",
    ),
    Definition(
        "Time to decision",
        "hours from receipt of the request at the plan to the CMO's original signed "
        "determination; mean and median (interpolated) over decided cases",
        "42 CFR 438.210(f): the average and median time from the submission of a request "
        "to the determination, standard and expedited",
    ),
)


def methodology(definitions: tuple[Definition, ...]) -> str:
    """The definitions as one note printed under a table."""
    return " ".join(f"{d.as_text()}." for d in definitions)
