from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, CaseEvent


def case_event_add(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: AbstractBaseUser | None = None,
    data: dict | None = None,
) -> CaseEvent:
    """Append one event to the case's log. Summaries carry no member PHI."""
    return CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, kind=kind, summary=summary, data=data or {}
    )
