from django.urls import path

from cases import api

urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="api-case-list"),
    path("cases/search/", api.CaseSearchView.as_view(), name="api-case-search"),
    path("cases/<int:pk>/", api.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/approve/", api.CaseApproveView.as_view(), name="api-case-approve"),
    path("cases/<int:pk>/withdraw/", api.CaseWithdrawView.as_view(), name="api-case-withdraw"),
    path("cases/<int:pk>/checklist/", api.CaseChecklistView.as_view(), name="api-case-checklist"),
    path("members/<int:pk>/", api.MemberDetailView.as_view(), name="api-member-detail"),
]
