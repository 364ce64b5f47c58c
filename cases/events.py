"""The case's append-only event log, and who may be named as having acted."""

from enum import StrEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, CaseEvent


class NonPersonActor(StrEnum):
    """What acted when no person did, as the case's log names it. An event without a
    person names one of these, so no list ever shows an empty or generic "who"."""

    PRACTITIONER_LINK = "Practitioner's office (secure link)"
    CLOCK_SWEEP = "Clock sweep (automatic)"
    TAR_SYSTEM = "TAR system"
    BACKGROUND_TASK = "Background task (automatic)"


# Shown only for a clock event recorded without a person before actors were named.
SYSTEM_ACTOR = "IMR Desk (automatic)"


def case_event_add(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: AbstractBaseUser | None = None,
    data: dict | None = None,
    actor_name: str = "",
) -> CaseEvent:
    """Append one event to the case's log. Summaries carry no member PHI.

    A person's event names them; an event with no person must name what acted
    (``actor_name``, one of NonPersonActor, e.g. "Practitioner's office (secure link)"):
    a call with neither is a programming error, refused before anything is written.
    """
    if actor is not None:
        actor_name = actor_name or actor_display(actor)
    if not actor_name.strip():
        raise ValueError(f"case event {kind!r}: name the person or the non-person actor")
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name[:120],
        kind=kind,
        summary=summary,
        data=data or {},
    )


def actor_display(user: AbstractBaseUser) -> str:
    """How a person is named in the case's log: full name, else user name."""
    return (user.get_full_name() or user.get_username())[:120]
