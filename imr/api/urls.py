"""/api/v1/: each app contributes its own API URL module; the schema and its docs page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from imr.api import ApiAuthMixin


class SchemaView(ApiAuthMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for any logged-in user or token (401 otherwise)."""


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
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Last: anything under /api/v1/ that no route above matched.
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="api-not-found"),
]
