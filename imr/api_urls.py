"""/api/v1/: each app contributes its own api_urls module; the schema and its docs page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from imr.api import ApiAuthMixin


class SchemaView(ApiAuthMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for any logged-in user or token (401 otherwise)."""


urlpatterns = [
    path("", include("cases.api_urls")),
    path("", include("cases.api_urls_documents")),
    path("", include("cases.api_urls_decision")),
    path("", include("timelines.api_urls")),
    path("", include("reviewers.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("reports.api_urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # A page for people: an anonymous visitor is sent to log in (DRF views are otherwise
    # exempt from the login middleware and would answer 401).
    path(
        "docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
