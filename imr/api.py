"""Shared plumbing for the REST API under /api/v1/: the mixin every view starts with.

Cross-cutting behaviour lives in imr.api_* modules and the REST_FRAMEWORK settings
rather than in each endpoint: authentication (api_auth), errors as problem details
(api_errors), stable page-number pagination (api_pagination) and the error responses
every operation documents in the OpenAPI schema (api_schema).
"""

from collections.abc import Callable

from rest_framework import renderers
from rest_framework.request import Request
from rest_framework.response import Response

from imr.api_errors import problem_from_response


class ApiAuthMixin:
    """Let DRF, not LoginRequiredMiddleware, authenticate API views; errors as problems.

    The middleware would redirect an API client to the HTML login page; DRF instead
    answers 401/403 and supports token authentication. Mix into every APIView/ViewSet.
    An error Response a view builds by hand is reshaped into a problem document, so
    every error has the one shape whichever way the view produced it.
    """

    @classmethod
    def as_view(cls, *args: object, **kwargs: object) -> Callable:
        view = super().as_view(*args, **kwargs)  # type: ignore[misc]
        view.login_required = False
        return view

    def finalize_response(
        self, request: Request, response: object, *args: object, **kwargs: object
    ) -> object:
        if isinstance(response, Response) and response.status_code >= 400:
            problem_from_response(response)
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON, except that None is `null` rather than an empty body with no type.

    Endpoints such as a case's assignment answer null while there is none; the schema
    documents that (imr.api_schema.Nullable).
    """

    def render(self, data: object, accepted_media_type: str | None = None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if data is None and getattr(response, "status_code", 200) != 204:
            return b"null"
        return super().render(data, accepted_media_type, renderer_context)
