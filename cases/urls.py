from django.urls import path

from cases import views, views_queue

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("search/", views.case_search, name="search"),
    path("cmo/", views_queue.cmo_view, name="cmo"),
    path("new/", views.case_intake, name="intake"),
    path("codes/icd10/", views.icd10_suggest, name="icd10_suggest"),
    path("audited-dates/", views.audited_date_changes, name="audited_dates"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/approve/", views.case_approve, name="approve"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="withdraw"),
    path("<int:pk>/received-at-plan/", views.received_at_plan_change, name="received_at_plan"),
]
