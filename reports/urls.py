from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("quac.zip", views.report_csv, name="csv"),
    path("quac.pdf", views.report_pdf_download, name="pdf"),
    path("audit-universe.csv", views.universe_download, name="universe"),
]
