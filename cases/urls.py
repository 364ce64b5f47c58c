"""Every page of a case, under /cases/ (and the three case steps taken from /portal/).

Three URL namespaces, kept from when they were three modules: `cases` (the case, the
queue, search), `cases_documents` (documents and the packet), `cases_decision` (the
determination, letters and closure). `reviewer_patterns` are the case's status changes
taken from the reviewer panel and the reviewer portal; imr/urls.py mounts them under
/portal/ in the `reviewers` namespace, beside the reviewers app's own pages.
"""

from django.urls import include, path

from cases.views import (
    case,
    closure,
    determination,
    documents,
    letters,
    queue,
    review,
    submission,
)

case_patterns = [
    path("", case.case_list, name="list"),
    path("search/", case.case_search, name="search"),
    path("cmo/", queue.cmo_view, name="cmo"),
    path("new/", case.case_intake, name="intake"),
    path("codes/icd10/", case.icd10_suggest, name="icd10_suggest"),
    path("audited-dates/", case.audited_date_changes, name="audited_dates"),
    path("<int:pk>/", case.case_detail, name="detail"),
    path("<int:pk>/edit/", case.case_edit, name="edit"),
    path("<int:pk>/approve/", case.case_approve, name="approve"),
    path("<int:pk>/withdraw/", case.case_withdraw, name="withdraw"),
    path("<int:pk>/received-at-plan/", case.received_at_plan_change, name="received_at_plan"),
]

document_patterns = [
    path("<int:case_pk>/documents/upload/", documents.document_upload_view, name="upload"),
    path(
        "<int:case_pk>/documents/<int:pk>/supersede/",
        documents.document_supersede_view,
        name="supersede",
    ),
    path(
        "<int:case_pk>/documents/<int:pk>/download/",
        documents.document_download_view,
        name="download",
    ),
    path("<int:case_pk>/packet.pdf", documents.packet_download_view, name="packet"),
]

decision_patterns = [
    path("<int:case_pk>/determination/", determination.determination_record_view, name="record"),
    path(
        "<int:case_pk>/determination/<int:pk>/sign/",
        determination.determination_sign_view,
        name="sign",
    ),
    path(
        "<int:case_pk>/determination/<int:pk>/amend/",
        determination.determination_amend_view,
        name="amend",
    ),
    path(
        "<int:case_pk>/letters/<str:party>/preview.pdf",
        letters.letter_preview_view,
        name="letter_preview",
    ),
    path("<int:case_pk>/letters/<str:party>/send/", letters.letter_send_view, name="letter_send"),
    path(
        "<int:case_pk>/letters/<str:party>/check/", letters.letter_check_view, name="letter_check"
    ),
    path("<int:case_pk>/letters/texts/", letters.notice_texts_view, name="notice_texts"),
    path("<int:case_pk>/letters/oral-notice/", letters.oral_notice_view, name="oral_notice"),
    path(
        "<int:case_pk>/letters/<int:pk>/download/",
        letters.letter_download_view,
        name="letter_download",
    ),
    path(
        "<int:case_pk>/letters/<int:pk>/mailed/", letters.letter_mailed_view, name="letter_mailed"
    ),
    path("letters/mail-queue/", letters.mail_queue_view, name="mail_queue"),
    path("letters/link/<str:token>/", letters.letter_link_view, name="letter_link"),
    path("<int:case_pk>/resolve/", closure.case_resolve_view, name="resolve"),
    path("<int:case_pk>/tar-bundle/", closure.tar_bundle_build_view, name="tar_bundle_build"),
    path(
        "<int:case_pk>/tar-bundle/<int:pk>/download/",
        closure.tar_bundle_download_view,
        name="tar_bundle_download",
    ),
    path("<int:case_pk>/tar-attachment/", closure.tar_attachment_view, name="tar_attachment"),
    path("<int:case_pk>/close/", closure.case_close_view, name="close"),
]

reviewer_patterns = [
    path("staff/cases/<int:case_pk>/submit/", submission.submit, name="staff_submit"),
    path("staff/cases/<int:case_pk>/review/", review.review_add, name="staff_review"),
    path("cases/<int:case_pk>/determination/", review.determination, name="determination"),
]

urlpatterns = [
    path("", include((case_patterns, "cases"))),
    path("", include((document_patterns, "cases_documents"))),
    path("", include((decision_patterns, "cases_decision"))),
]
