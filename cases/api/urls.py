"""/api/v1/ endpoints of a case (R-API-1): one module per concern, every route here."""

from django.urls import path

from cases.api import case, closure, determination, documents, letters, review, submission

urlpatterns = [
    # The case and its member (cases.api.case).
    path("cases/", case.CaseListView.as_view(), name="api-case-list"),
    path("cases/search/", case.CaseSearchView.as_view(), name="api-case-search"),
    path("cases/<int:pk>/", case.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/approve/", case.CaseApproveView.as_view(), name="api-case-approve"),
    path("cases/<int:pk>/withdraw/", case.CaseWithdrawView.as_view(), name="api-case-withdraw"),
    path("cases/<int:pk>/checklist/", case.CaseChecklistView.as_view(), name="api-case-checklist"),
    path("members/<int:pk>/", case.MemberDetailView.as_view(), name="api-member-detail"),
    # Documents (cases.api.documents).
    path(
        "cases/<int:case_pk>/documents/",
        documents.CaseDocumentListView.as_view(),
        name="api-case-documents",
    ),
    path(
        "cases/<int:case_pk>/documents/<int:pk>/versions/",
        documents.DocumentVersionsView.as_view(),
        name="api-document-versions",
    ),
    path(
        "cases/<int:case_pk>/documents/<int:pk>/download/",
        documents.DocumentDownloadView.as_view(),
        name="api-document-download",
    ),
    # Submission to the reviewer and the review received.
    path(
        "cases/<int:case_pk>/submission/",
        submission.SubmissionView.as_view(),
        name="api-reviewer-submission",
    ),
    path("cases/<int:case_pk>/review/", review.ReviewView.as_view(), name="api-reviewer-review"),
    path(
        "portal/cases/<int:case_pk>/review/",
        review.PortalReviewView.as_view(),
        name="api-portal-review",
    ),
    # The coverage determination.
    path(
        "cases/<int:case_pk>/determinations/",
        determination.DeterminationListView.as_view(),
        name="api-determination-list",
    ),
    path(
        "cases/<int:case_pk>/determinations/<int:pk>/sign/",
        determination.DeterminationSignView.as_view(),
        name="api-determination-sign",
    ),
    path(
        "cases/<int:case_pk>/determinations/<int:pk>/amend/",
        determination.DeterminationAmendView.as_view(),
        name="api-determination-amend",
    ),
    # Letters.
    path("cases/<int:case_pk>/letters/", letters.LetterListView.as_view(), name="api-letter-list"),
    path(
        "cases/<int:case_pk>/letter-texts/",
        letters.NoticeTextView.as_view(),
        name="api-letter-texts",
    ),
    path(
        "cases/<int:case_pk>/oral-notices/",
        letters.OralNoticeView.as_view(),
        name="api-oral-notices",
    ),
    path(
        "cases/<int:case_pk>/letters/<str:party>/preview/",
        letters.LetterPreviewView.as_view(),
        name="api-letter-preview",
    ),
    path(
        "cases/<int:case_pk>/letters/<str:party>/checks/",
        letters.LetterChecksView.as_view(),
        name="api-letter-checks",
    ),
    path(
        "cases/<int:case_pk>/letters/<int:pk>/download/",
        letters.LetterDownloadView.as_view(),
        name="api-letter-download",
    ),
    path(
        "cases/<int:case_pk>/letters/<int:pk>/mailed/",
        letters.LetterMailedView.as_view(),
        name="api-letter-mailed",
    ),
    # Resolution, the TAR file and closure.
    path(
        "cases/<int:case_pk>/resolve/", closure.CaseResolveView.as_view(), name="api-case-resolve"
    ),
    path(
        "cases/<int:case_pk>/tar-bundles/",
        closure.TarBundleListView.as_view(),
        name="api-tar-bundle-list",
    ),
    path(
        "cases/<int:case_pk>/tar-bundles/<int:pk>/download/",
        closure.TarBundleDownloadView.as_view(),
        name="api-tar-bundle-download",
    ),
    path(
        "cases/<int:case_pk>/tar-attachment/",
        closure.TarAttachmentView.as_view(),
        name="api-tar-attachment",
    ),
    path("cases/<int:case_pk>/close/", closure.CaseCloseView.as_view(), name="api-case-close"),
]
