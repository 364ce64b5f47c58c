from django.urls import path

from cases import api_decision as api

urlpatterns = [
    path(
        "cases/<int:case_pk>/determinations/",
        api.DeterminationListView.as_view(),
        name="api-determination-list",
    ),
    path(
        "cases/<int:case_pk>/determinations/<int:pk>/sign/",
        api.DeterminationSignView.as_view(),
        name="api-determination-sign",
    ),
    path(
        "cases/<int:case_pk>/determinations/<int:pk>/amend/",
        api.DeterminationAmendView.as_view(),
        name="api-determination-amend",
    ),
    path("cases/<int:case_pk>/letters/", api.LetterListView.as_view(), name="api-letter-list"),
    path(
        "cases/<int:case_pk>/letters/<str:party>/preview/",
        api.LetterPreviewView.as_view(),
        name="api-letter-preview",
    ),
    path(
        "cases/<int:case_pk>/letters/<str:party>/checks/",
        api.LetterChecksView.as_view(),
        name="api-letter-checks",
    ),
    path(
        "cases/<int:case_pk>/letters/<int:pk>/download/",
        api.LetterDownloadView.as_view(),
        name="api-letter-download",
    ),
    path(
        "cases/<int:case_pk>/letters/<int:pk>/mailed/",
        api.LetterMailedView.as_view(),
        name="api-letter-mailed",
    ),
    path("cases/<int:case_pk>/resolve/", api.CaseResolveView.as_view(), name="api-case-resolve"),
    path(
        "cases/<int:case_pk>/tar-bundles/",
        api.TarBundleListView.as_view(),
        name="api-tar-bundle-list",
    ),
    path(
        "cases/<int:case_pk>/tar-bundles/<int:pk>/download/",
        api.TarBundleDownloadView.as_view(),
        name="api-tar-bundle-download",
    ),
    path(
        "cases/<int:case_pk>/tar-attachment/",
        api.TarAttachmentView.as_view(),
        name="api-tar-attachment",
    ),
    path("cases/<int:case_pk>/close/", api.CaseCloseView.as_view(), name="api-case-close"),
]
