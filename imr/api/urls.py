"""/api/v1/: each app contributes its own API URL module; the schema and its docs page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imr.api import ApiAuthMixin
from imr.api.errors import PROBLEM_CONTENT_TYPE
from imr.api.renderers import JSONRenderer
from imr.roles import is_plan_staff


class PlanStaffOnly(BasePermission):
    """The plan's staff roles (imr.roles.is_plan_staff); not reviewers, not an account
    without a role. The schema maps every endpoint and field: nobody else needs it."""

    message = "The API schema is for the plan's staff."

    def has_permission(self, request: Request, view: object) -> bool:
        return is_plan_staff(request.user)


class ProblemsAsJson:
    """Errors as JSON problem documents even from views that render YAML or HTML."""

    def finalize_response(
        self, request: Request, response: object, *args: object, **kwargs: object
    ) -> object:
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = PROBLEM_CONTENT_TYPE
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class SchemaView(ProblemsAsJson, ApiAuthMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for staff roles: 401 without a session or token, 403 for a
    reviewer or an account with no role."""

    permission_classes = [IsAuthenticated, PlanStaffOnly]


class DocsView(ProblemsAsJson, SpectacularSwaggerSplitView):
    """The Swagger page, for the same roles as the schema."""

    permission_classes = [IsAuthenticated, PlanStaffOnly]


@extend_schema(exclude=True)
class NotFoundView(ApiAuthMixin, APIView):
    """Any other address under /api/v1/: a 404 problem, not the HTML "not found" page."""

    def get(self, request: Request, *args: object, **kwargs: object) -> None:
        raise NotFound("No API endpoint has this address (each ends with a slash).")

    post = put = patch = delete = get


urlpatterns = [
    path("", include("cases.api.urls")),
    path("", include("timelines.api_urls")),
    path("", include("reviewers.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("reports.api_urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # A page for people: an anonymous visitor is sent to log in (DRF views are otherwise
    # exempt from the login middleware and would answer 401). The split view serves its
    # script as a file, which the Content-Security-Policy (script-src 'self') allows.
    path(
        "docs/",
        login_required(DocsView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Last: anything under /api/v1/ that no route above matched.
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="api-not-found"),
]
