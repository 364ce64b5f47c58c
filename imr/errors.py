"""The one vocabulary of refusals every service raises, whichever app it lives in.

A service that declines raises `Refused` with every problem it found, in words for the
person who asked, and changes nothing (its transaction rolls back). Problems about one
input go under `fields`; the rest are about the request as a whole. `Conflict` is the
refusal of an action the case has moved past: someone else saved first (a stale version),
or the case is in a state where the step does not apply. The page adapter (imr.web) shows
either as messages; the API (imr.api.errors) answers 400 or 409 with a problem document.

Both are Django ValidationErrors, so a model's own `full_clean()` refusal and a form's
`add_error()` read them the same way. Missing a role is not a refusal of this kind: it is
Django's PermissionDenied (403), raised by the access helpers and a few services.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class Refused(ValidationError):
    """The request is refused for the reasons given; nothing was changed."""

    def __init__(
        self,
        problems: str | Sequence[str] | Mapping[str, Sequence[str]] = (),
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
        code: str | None = None,
    ) -> None:
        if isinstance(problems, Mapping):  # Refused({"reason": [...]}), like ValidationError
            problems, fields = (), {**problems, **(fields or {})}
        request_wide = [problems] if isinstance(problems, str) else [str(p) for p in problems]
        if fields:
            errors = {
                name: [messages] if isinstance(messages, str) else list(messages)
                for name, messages in fields.items()
            }
            if request_wide:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(request_wide)
            super().__init__(errors)
        elif len(request_wide) == 1:
            super().__init__(request_wide[0], code=code)
        else:
            super().__init__(request_wide or ["The request was refused."])

    def __str__(self) -> str:
        return " ".join(self.problems)

    @property
    def problems(self) -> list[str]:
        """Every message, request-wide ones first, for a page or a log line."""
        return refusal_messages(self)


class Conflict(Refused):
    """The case is not (or no longer) in a state for this action: 409 in the API."""


def refused(error: ValidationError) -> Refused:
    """A Django ValidationError (a model's full_clean, a field validator) as a Refused."""
    if isinstance(error, Refused):
        return error
    if hasattr(error, "error_dict"):
        return Refused(fields=error.message_dict)
    return Refused(error.messages)


def refusal_messages(error: ValidationError) -> list[str]:
    """The messages of a refusal, request-wide first, then each field's in order."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    by_field = error.message_dict
    return [*by_field.get(NON_FIELD_ERRORS, [])] + [
        message
        for name, messages in by_field.items()
        if name != NON_FIELD_ERRORS
        for message in messages
    ]
