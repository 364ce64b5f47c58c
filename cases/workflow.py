"""The case status machine: one explicit table of allowed transitions.

intake → assembling → submitted → review received → decided → notified → resolved → closed;
withdrawn from any state before decided, with a reason.
"""

from cases.models.status import Status

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


class IllegalTransition(Exception):
    def __init__(self, current: str, target: str) -> None:
        self.current, self.target = current, target
        allowed = sorted(Status(s).label for s in TRANSITIONS[current]) or ["nothing"]
        super().__init__(
            f"A case in state “{Status(current).label}” cannot move to "
            f"“{Status(target).label}”; from here it can move to: {', '.join(allowed)}."
        )


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
