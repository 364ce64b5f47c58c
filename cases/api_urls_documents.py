"""/api/v1/ endpoints for documents (R-API-1)."""

from django.urls import path

from cases import api_documents as views

urlpatterns = [
    path(
        "cases/<int:case_pk>/documents/",
        views.CaseDocumentListView.as_view(),
        name="api-case-documents",
    ),
    path(
        "cases/<int:case_pk>/documents/<int:pk>/versions/",
        views.DocumentVersionsView.as_view(),
        name="api-document-versions",
    ),
    path(
        "cases/<int:case_pk>/documents/<int:pk>/download/",
        views.DocumentDownloadView.as_view(),
        name="api-document-download",
    ),
]
