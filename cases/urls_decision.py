"""The determination, letters and closure, under /cases/ (R-TRK-5…7, R-NOT-1…3)."""

from django.urls import path

from cases import views_decision as views

app_name = "cases_decision"
urlpatterns = [
    path("<int:case_pk>/determination/", views.determination_record_view, name="record"),
    path("<int:case_pk>/determination/<int:pk>/sign/", views.determination_sign_view, name="sign"),
    path(
        "<int:case_pk>/determination/<int:pk>/amend/", views.determination_amend_view, name="amend"
    ),
    path(
        "<int:case_pk>/letters/<str:party>/preview.pdf",
        views.letter_preview_view,
        name="letter_preview",
    ),
    path("<int:case_pk>/letters/<str:party>/send/", views.letter_send_view, name="letter_send"),
    path(
        "<int:case_pk>/letters/<int:pk>/download/",
        views.letter_download_view,
        name="letter_download",
    ),
    path("<int:case_pk>/letters/<int:pk>/mailed/", views.letter_mailed_view, name="letter_mailed"),
    path("letters/mail-queue/", views.mail_queue_view, name="mail_queue"),
    path("letters/link/<str:token>/", views.letter_link_view, name="letter_link"),
    path("<int:case_pk>/resolve/", views.case_resolve_view, name="resolve"),
    path("<int:case_pk>/tar-bundle/", views.tar_bundle_build_view, name="tar_bundle_build"),
    path(
        "<int:case_pk>/tar-bundle/<int:pk>/download/",
        views.tar_bundle_download_view,
        name="tar_bundle_download",
    ),
    path("<int:case_pk>/tar-attachment/", views.tar_attachment_view, name="tar_attachment"),
    path("<int:case_pk>/close/", views.case_close_view, name="close"),
]
