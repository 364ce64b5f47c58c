"""/portal/: the reviewer portal, and the staff forms of the reviewer panel."""

from django.urls import path

from reviewers import views, views_portal

app_name = "reviewers"
urlpatterns = [
    # The reviewer portal (external users: imr.review_assigned_cases).
    path("", views_portal.home, name="home"),
    path("cases/<int:case_pk>/", views_portal.case, name="case"),
    path("cases/<int:case_pk>/packet.pdf", views_portal.packet, name="packet"),
    path("cases/<int:case_pk>/attest/", views_portal.attest, name="attest"),
    path("cases/<int:case_pk>/questions/", views_portal.ask, name="ask"),
    path("cases/<int:case_pk>/determination/", views_portal.determination, name="determination"),
    # UM staff (the panel on the case page posts here).
    path("staff/registry/", views.registry, name="staff_registry"),
    path("staff/cases/<int:case_pk>/", views.staff_case, name="staff_case"),
    path("staff/cases/<int:case_pk>/assign/", views.assign, name="staff_assign"),
    path("staff/cases/<int:case_pk>/attest/", views.attest, name="staff_attest"),
    path("staff/cases/<int:case_pk>/submit/", views.submit, name="staff_submit"),
    path("staff/cases/<int:case_pk>/contacts/", views.contact_add, name="staff_contact"),
    path("staff/cases/<int:case_pk>/questions/<int:pk>/answer/", views.answer, name="staff_answer"),
    path("staff/cases/<int:case_pk>/review/", views.review_add, name="staff_review"),
]
