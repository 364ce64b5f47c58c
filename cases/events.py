from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, CaseEvent

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

    A person's event names them; an event with no person names what acted
    (``actor_name``, e.g. "Practitioner's office (secure link)"), falling back to
    ``SYSTEM_ACTOR``.
    """
    if actor is not None:
        actor_name = actor_name or actor_display(actor)
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name or SYSTEM_ACTOR,
        kind=kind,
        summary=summary,
        data=data or {},
    )


def actor_display(user: AbstractBaseUser) -> str:
    """How a person is named in the case's log: full name, else user name."""
    return (user.get_full_name() or user.get_username())[:120]
