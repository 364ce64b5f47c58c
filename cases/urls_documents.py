"""Documents and the referral packet, under /cases/ (R-FILE-3, R-FILE-4)."""

from django.urls import path

from cases import views_documents as views

app_name = "cases_documents"
urlpatterns = [
    path("<int:case_pk>/documents/upload/", views.document_upload_view, name="upload"),
    path(
        "<int:case_pk>/documents/<int:pk>/supersede/",
        views.document_supersede_view,
        name="supersede",
    ),
    path(
        "<int:case_pk>/documents/<int:pk>/download/",
        views.document_download_view,
        name="download",
    ),
    path("<int:case_pk>/packet.pdf", views.packet_download_view, name="packet"),
]
