from django.urls import path

from reports.api import QuacReportView

urlpatterns = [
    path("reports/quac/", QuacReportView.as_view(), name="reports-quac"),
]
