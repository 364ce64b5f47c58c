"""The one adapter between a service and an HTML page.

A view parses its form, then hands the service call to `service_run` (or the form and
the call to `form_run`): success becomes a success message; a refusal (imr.errors,
Django's ValidationError or PermissionDenied) becomes error messages in the service's own
words, the same on every page. The view then redirects as it always does. A page that
shows its form again uses `form_service_run`, which puts the problems on the form.
Nothing here knows an app.
"""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from imr.errors import Conflict, refusal_messages

T = TypeVar("T")
REFUSALS = (ValidationError, PermissionDenied)


def service_run(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    refused: str = "",
) -> T | None:
    """Run one service call; its result, or None when refused.

    Success: `done` as a success message (a function of the result, or a sentence).
    Refused: each problem as an error message, or, when `refused` leads ("The document
    was not uploaded."), one message: the lead, then every problem.
    """
    try:
        result = action()
    except REFUSALS as refusal:
        refusal_show(request, problems_of(refusal), refused=refused)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result


def form_run(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict], T],
    *,
    done: str | Callable[[T], str],
    refused: str = "",
) -> T | None:
    """Validate the form, then run the service with its cleaned data (service_run)."""
    if not form.is_valid():
        refusal_show(request, form_messages(form), refused=refused)
        return None
    return service_run(request, lambda: action(form.cleaned_data), done=done, refused=refused)


def form_service_run(
    request: HttpRequest, form: forms.Form, action: Callable[[], T], *, done: str
) -> T | None:
    """Run a service for a page that shows its form again when refused; its result, or
    None when refused.

    A refusal's problems go onto the form (each field's under its field); a Conflict (the
    case moved on, someone saved first) is a message above it, since no field is at fault.
    """
    try:
        result = action()
    except Conflict as conflict:
        refusal_show(request, refusal_messages(conflict))
        return None
    except ValidationError as refusal:
        form_add_refusal(form, refusal)
        return None
    messages.success(request, done)
    return result


def refusal_show(request: HttpRequest, problems: list[str], *, refused: str = "") -> None:
    if refused:
        messages.error(request, " ".join([refused, *problems]))
        return
    for problem in problems:
        messages.error(request, problem)


def problems_of(refusal: Exception) -> list[str]:
    if isinstance(refusal, ValidationError):
        return refusal_messages(refusal)
    return [str(refusal) or "You are not allowed to do that."]


def form_messages(form: forms.Form) -> list[str]:
    """A form's errors as sentences ("Rationale: This field is required.")."""
    sentences = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name.replace("_", " ")
        label = label[:1].upper() + label[1:]
        sentences += [
            str(error) if name == NON_FIELD_ERRORS else f"{label}: {error}" for error in errors
        ]
    return sentences


def form_add_refusal(form: forms.Form, refusal: ValidationError) -> None:
    """Put a service's refusal on the form it came from: each field's under the field."""
    if hasattr(refusal, "error_dict"):
        for name, errors in refusal.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF the browser must not sniff or cache (it may hold PHI)."""
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def redirect_back(request: HttpRequest, fallback: str, *, anchor: str = "") -> HttpResponseRedirect:
    """Back to the page the form came from (its `next` field) if that is one of ours."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target.split("#")[0] + (f"#{anchor}" if anchor else ""))
