"""The case status machine: the table of allowed transitions and the named sets of states.

intake → assembling → submitted → review received → decided → notified → resolved → closed;
withdrawn from any state before decided, with a reason.

Every rule that asks "which states?" reads a set named here (the Case model's
properties do: `case.is_editable`, `case.awaits_notice`, `case.is_open`), and only
cases.services.case.case_transition writes a status, after check_transition.
"""

from typing import NamedTuple

from cases.models.status import Status
from imr.errors import Conflict

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.INTAKE: frozenset({Status.ASSEMBLING, Status.WITHDRAWN}),
    Status.ASSEMBLING: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.REVIEW_RECEIVED, Status.WITHDRAWN}),
    Status.REVIEW_RECEIVED: frozenset({Status.DECIDED, Status.WITHDRAWN}),
    Status.DECIDED: frozenset({Status.NOTIFIED}),
    Status.NOTIFIED: frozenset({Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Before submission: the referral file may be edited, the referral approved, a reviewer
# assigned (policy VI.F.2).
EDITABLE: tuple[str, ...] = (Status.INTAKE, Status.ASSEMBLING)
# A signed determination whose letters are (being) sent: letters may be sent, the
# determination amended (R-TRK-5, R-TRK-6).
AWAITING_NOTICE: tuple[str, ...] = (Status.DECIDED, Status.NOTIFIED)
# Nothing happens to the case any more; documents are no longer accepted.
CLOSED: tuple[str, ...] = (Status.CLOSED, Status.WITHDRAWN)
# Everything else: the work queue's cases (and the partial indexes' predicate).
OPEN: tuple[str, ...] = tuple(status for status in Status if status not in CLOSED)


class NextAction(NamedTuple):
    capability: str  # who acts (imr.roles capability codename)
    label: str  # what they do, as the case page's first button says it
    anchor: str  # where on the case page they do it


# The next step of a case in each open state. Ordered as the case moves.
NEXT_ACTIONS: dict[str, NextAction] = {
    Status.INTAKE: NextAction("decide_cases", "Approve referral", "next"),
    Status.ASSEMBLING: NextAction("work_cases", "Submit to IMRO", "reviewer"),
    Status.SUBMITTED: NextAction("work_cases", "Record review", "reviewer"),
    Status.REVIEW_RECEIVED: NextAction("decide_cases", "Sign determination", "decision"),
    Status.DECIDED: NextAction("work_cases", "Send letters", "decision"),
    Status.NOTIFIED: NextAction("decide_cases", "Mark resolved", "decision"),
    Status.RESOLVED: NextAction("work_cases", "Confirm TAR attachment", "decision"),
}

STALE_CASE = (
    "This case was changed by someone else after you opened it. Nothing was saved: "
    "reload the page to see their changes, then make yours again."
)


def transition_refusal(current: str, target: str) -> str:
    allowed = sorted(Status(s).label for s in TRANSITIONS[current]) or ["nothing"]
    return (
        f"A case in state “{Status(current).label}” cannot move to "
        f"“{Status(target).label}”; from here it can move to: {', '.join(allowed)}."
    )


def check_transition(current: str, target: str) -> None:
    """Refuse (Conflict) a move the table does not allow, naming where the case can go."""
    if target not in TRANSITIONS[current]:
        raise Conflict(transition_refusal(current, target))
