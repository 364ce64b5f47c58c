"""/api/v1/ endpoints of the reviewer registry, the IMRO loop and the reviewer portal."""

from django.urls import path

from reviewers import api

urlpatterns = [
    path("imros/", api.ImroListView.as_view(), name="api-imros"),
    path("imros/<int:pk>/", api.ImroDetailView.as_view(), name="api-imro"),
    path("specialists/", api.SpecialistListView.as_view(), name="api-specialists"),
    path("specialists/<int:pk>/", api.SpecialistDetailView.as_view(), name="api-specialist"),
    path(
        "cases/<int:case_pk>/reviewer-suggestions/",
        api.SuggestionsView.as_view(),
        name="api-reviewer-suggestions",
    ),
    path(
        "cases/<int:case_pk>/assignment/",
        api.AssignmentView.as_view(),
        name="api-reviewer-assignment",
    ),
    path(
        "cases/<int:case_pk>/attestations/",
        api.AttestationListView.as_view(),
        name="api-reviewer-attestations",
    ),
    path("cases/<int:case_pk>/contacts/", api.ContactListView.as_view(), name="api-contacts"),
    path(
        "cases/<int:case_pk>/information-requests/",
        api.InformationRequestListView.as_view(),
        name="api-information-requests",
    ),
    path(
        "cases/<int:case_pk>/information-requests/<int:pk>/answer/",
        api.InformationRequestAnswerView.as_view(),
        name="api-information-request-answer",
    ),
    path("portal/cases/", api.PortalCaseListView.as_view(), name="api-portal-cases"),
    path("portal/cases/<int:case_pk>/", api.PortalCaseView.as_view(), name="api-portal-case"),
    path(
        "portal/cases/<int:case_pk>/packet/",
        api.PortalPacketView.as_view(),
        name="api-portal-packet",
    ),
    path(
        "portal/cases/<int:case_pk>/attestation/",
        api.PortalAttestationView.as_view(),
        name="api-portal-attestation",
    ),
    path(
        "portal/cases/<int:case_pk>/information-requests/",
        api.PortalQuestionView.as_view(),
        name="api-portal-information-requests",
    ),
]
