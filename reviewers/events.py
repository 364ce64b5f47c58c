"""The kinds of case event this app writes (cases.events.case_event_add).

The reviewer panel shows these next to the contact log, so UM staff read the IMRO
loop in one timeline (R-TRK-2).
"""

from enum import StrEnum


class ReviewerEvent(StrEnum):
    ASSIGNED = "reviewer_assigned"
    UNASSIGNED = "reviewer_unassigned"
    ATTESTED = "conflict_attested"
    SUBMITTED = "case_submitted"
    CONTACT_LOGGED = "contact_logged"
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_ANSWERED = "information_answered"
    REVIEW_RECEIVED = "review_received"
