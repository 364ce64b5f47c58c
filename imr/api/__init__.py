"""Shared plumbing for the REST API under /api/v1/: the mixin every view starts with.

Cross-cutting behaviour lives in this package and the REST_FRAMEWORK settings rather
than in each endpoint: authentication (auth), every refusal and error as a problem
document (errors), stable page-number pagination (pagination), the JSON renderer
(renderers), the error responses every operation documents in the OpenAPI schema
(schema), and the /api/v1/ URL tree (urls).
"""

from collections.abc import Callable

from rest_framework.request import Request
from rest_framework.response import Response

from imr.api.errors import problem_from_response


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
