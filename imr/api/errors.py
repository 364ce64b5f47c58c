"""Every API error in one shape: RFC 9457 problem details, `application/problem+json`.

    {"type": "urn:imr-desk:problem:invalid", "title": "The request has problems",
     "status": 400, "detail": "Check member.name.",
     "errors": {"member.name": ["This field is required."]}}

`errors` maps a field (dotted for nested input, "non_field_errors" for the request as a
whole) to its messages; it is empty when no field is at fault. The services' refusals
(imr.errors: `Refused` is 400, its `Conflict` 409; a plain Django ValidationError is 400
too, PermissionDenied 403) are mapped here once, so views only call services and never
translate them. Anything unexpected is a 500 with no detail: the log gets the exception's
class and where it was raised, never its message, which may quote member data.
"""

import logging
import traceback
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from imr import errors as refusals

logger = logging.getLogger("imr.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:imr-desk:problem:"
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
# Keys under which views put messages about the request as a whole: Django's, and those
# of views written before this handler ({"detail": [...]}, {"problems": [...]}).
_REQUEST_WIDE_KEYS = {NON_FIELD, "__all__", "detail", "problems"}

TITLES = {
    "invalid": "The request has problems",
    "parse_error": "The request body could not be read",
    "not_authenticated": "Authentication needed",
    "authentication_failed": "Authentication failed",
    "permission_denied": "Not allowed for your role",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "not_acceptable": "Not acceptable",
    "unsupported_media_type": "Unsupported media type",
    "throttled": "Too many requests",
    "conflict": "Conflicts with the current state",
    "precondition_failed": "Changed since you read it",
    "server_error": "Server error",
}


class Conflict(exceptions.APIException):
    """409: the API's form of imr.errors.Conflict (the case moved on)."""

    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The resource changed since you read it; read it again."
    default_code = "precondition_failed"


def problem(
    status: int, *, code: str, detail: str, errors: dict[str, list[str]] | None = None
) -> dict:
    return {
        "type": TYPE_PREFIX + code.replace("_", "-"),
        "title": TITLES.get(code) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": errors or {},
    }


def is_problem(data: object) -> bool:
    return isinstance(data, dict) and {"type", "title", "status"} <= data.keys()


def field_errors(detail: object, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF/Django error detail into {"field" or "parent.0.field": [messages]}."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: object) -> None:
        errors.setdefault(name or NON_FIELD, []).append(str(message))

    def walk(value: object, name: str) -> None:
        if _is_message(value):
            add(name, value["message"])  # Django's Form.errors.get_json_data()
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, name if key in _REQUEST_WIDE_KEYS else _join(name, str(key)))
        elif isinstance(value, list):
            if all(_is_message(item) or not isinstance(item, dict | list) for item in value):
                for item in value:
                    walk(item, name)
            else:
                for index, item in enumerate(value):
                    if item:  # DRF puts {} for the valid items of a list
                        walk(item, _join(name, str(index)))
        elif value is not None:
            add(name, value)

    walk(detail, prefix)
    return errors


def _is_message(value: object) -> bool:
    return isinstance(value, dict) and "message" in value and set(value) <= {"message", "code"}


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _summary(errors: dict[str, list[str]]) -> str:
    sentences = list(errors.get(NON_FIELD, []))
    fields = [name for name in errors if name != NON_FIELD]
    if fields:
        sentences.append(f"Check {', '.join(fields)}.")
    return " ".join(sentences) or "The request has problems."


def _as_api_exception(exc: Exception) -> Exception:
    """Map the refusal vocabulary (imr.errors) and Django's exceptions onto DRF's."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, refusals.Conflict):
        return Conflict(" ".join(refusals.refusal_messages(exc)))
    if isinstance(exc, DjangoValidationError):  # Refused, or a model's own full_clean()
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    return exc


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)  # headers (Retry-After…) and rollback
    if response is None:
        _log_unexpected(exc, context)
        set_rollback()
        response = Response(
            problem(
                500,
                code="server_error",
                detail="The request could not be completed; the error was logged.",
            ),
            status=500,
        )
    elif isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        response.data = problem(
            response.status_code, code="invalid", detail=_summary(errors), errors=errors
        )
    else:
        code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
        response.data = problem(response.status_code, code=code, detail=str(exc.detail))
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_from_response(response: Response) -> Response:
    """Reshape an error Response a view built by hand ({"detail": …}, {"errors": …})."""
    data = response.data
    if not is_problem(data):
        detail = data.get("detail") if isinstance(data, dict) else None
        if isinstance(detail, str):
            rest = {key: value for key, value in data.items() if key != "detail"}
            errors = field_errors(rest.get("errors", rest))
        else:
            errors = field_errors(data.get("errors", data) if isinstance(data, dict) else data)
            detail = _summary(errors) if errors else HTTPStatus(response.status_code).phrase
        code = {400: "invalid", 404: "not_found", 409: "conflict"}.get(
            response.status_code, "error"
        )
        response.data = problem(response.status_code, code=code, detail=detail, errors=errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _log_unexpected(exc: Exception, context: dict) -> None:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    # File, line and function only: a source line may hold a literal, a message data.
    frames = "\n".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc.__traceback__)
    )
    logger.error(
        "Unhandled %s in %s %s\n%s",
        type(exc).__name__,
        getattr(request, "method", "?"),
        match.route if match else "?",  # the pattern, not the path: no identifiers
        frames,
    )
