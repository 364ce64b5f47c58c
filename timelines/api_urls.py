from django.urls import path

from timelines.api import CaseClocksView, PreviewView

urlpatterns = [
    path("deadlines/preview/", PreviewView.as_view(), name="deadlines-preview"),
    path("cases/<int:case_id>/clocks/", CaseClocksView.as_view(), name="case-clocks"),
]
