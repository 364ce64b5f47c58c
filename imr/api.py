"""Shared plumbing for the REST API under /api/v1/."""

from collections.abc import Callable


class ApiAuthMixin:
    """Let DRF, not LoginRequiredMiddleware, authenticate API views.

    The middleware would redirect an API client to the HTML login page; DRF instead
    answers 401/403 and supports token authentication. Mix into every APIView/ViewSet.
    """

    @classmethod
    def as_view(cls, *args: object, **kwargs: object) -> Callable:
        view = super().as_view(*args, **kwargs)  # type: ignore[misc]
        view.login_required = False
        return view
