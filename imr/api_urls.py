"""/api/v1/: each app contributes its own api_urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("cases.api_urls")),
    path("", include("cases.api_urls_documents")),
    path("", include("cases.api_urls_decision")),
    path("", include("timelines.api_urls")),
    path("", include("reviewers.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("reports.api_urls")),
]
