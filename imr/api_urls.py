"""/api/v1/: each app contributes its own api_urls module; the schema and its docs page."""

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
    # A page for people: the login middleware sends an anonymous visitor to log in.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
