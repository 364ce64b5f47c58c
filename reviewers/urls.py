"""/portal/: the reviewer portal, and the staff forms of the reviewer panel.

Mounted by imr/urls.py in the `reviewers` namespace together with
cases.urls.reviewer_patterns (submit, the review received), which change a case's status.
"""

from django.urls import path

from reviewers import portal, views

urlpatterns = [
    # The reviewer portal (external users: imr.review_assigned_cases).
    path("", portal.home, name="home"),
    path("cases/<int:case_pk>/", portal.case, name="case"),
    path("cases/<int:case_pk>/packet.pdf", portal.packet, name="packet"),
    path("cases/<int:case_pk>/attest/", portal.attest, name="attest"),
    path("cases/<int:case_pk>/questions/", portal.ask, name="ask"),
    # UM staff (the panel on the case page posts here).
    path("staff/registry/", views.registry, name="staff_registry"),
    path("staff/cases/<int:case_pk>/", views.staff_case, name="staff_case"),
    path("staff/cases/<int:case_pk>/assign/", views.assign, name="staff_assign"),
    path("staff/cases/<int:case_pk>/attest/", views.attest, name="staff_attest"),
    path("staff/cases/<int:case_pk>/contacts/", views.contact_add, name="staff_contact"),
    path("staff/cases/<int:case_pk>/questions/<int:pk>/answer/", views.answer, name="staff_answer"),
]
