from django.urls import path

from timelines import views

app_name = "timelines"
urlpatterns = [
    path("cases/<int:case_id>/clocks/", views.case_clocks, name="case_clocks"),
    path("cases/<int:case_id>/extension/", views.extension, name="extension"),
]
