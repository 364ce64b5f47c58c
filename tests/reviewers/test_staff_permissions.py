"""Staff pages and endpoints of this app: 403 for QUAC, reviewers and outsiders.

Enumerated from the URL conf: every staff route of the reviewer panel under /portal/staff/
and every staff endpoint of the IMRO loop's API (the portal's own routes are covered by
test_portal_isolation).
"""

import pytest

from reviewers.models import ContactLogEntry
from tests.reviewers.conftest import imro_loop_api, make_case, make_specialist, submitted
from tests.support.personas import client_for
from tests.urlconf import url_patterns

STAFF_ROUTES = [
    "/" + route
    for route, pattern, _ in url_patterns()
    if route.startswith("portal/staff/")
    or (imro_loop_api(route, pattern) and not route.startswith("api/v1/portal/"))
]


def test_the_enumeration_finds_the_staff_routes():
    assert "/portal/staff/cases/<int:case_pk>/submit/" in STAFF_ROUTES
    assert "/api/v1/cases/<int:case_pk>/submission/" in STAFF_ROUTES
    assert "/api/v1/specialists/" in STAFF_ROUTES
    assert len(STAFF_ROUTES) >= 19


@pytest.fixture
def case(coordinator, specialist_a):
    case = submitted(make_case(owner=coordinator), specialist_a, coordinator)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["quac_member", "outsider", "reviewer"])
@pytest.mark.parametrize("route", STAFF_ROUTES)
def test_non_staff_get_403_on_every_staff_route(request, persona, route, case):
    user = request.getfixturevalue(persona)
    path = route.replace("<int:case_pk>", str(case.pk)).replace(
        "<int:pk>", str(case.submission.assignment.specialist_id)
    )
    client = client_for(user)
    for method in ("get", "post"):
        response = getattr(client, method)(path, {"summary": "x"})
        assert response.status_code in (403, 405), (path, method, response.status_code)
        if response.status_code == 405:
            continue
        assert case.member.internal_id not in response.content.decode()
    assert not ContactLogEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "cmo", "administrator"])
def test_staff_read_the_registry_and_the_case_endpoints(request, persona, case):
    user = request.getfixturevalue(persona)
    make_specialist("Dr. Listed")
    client = client_for(user)

    assert client.get("/portal/staff/registry/").status_code == 200
    names = [row["name"] for row in client.get("/api/v1/specialists/").json()["results"]]
    assert "Dr. Listed" in names
    submission = client.get(f"/api/v1/cases/{case.pk}/submission/").json()
    assert submission["charge_to_plan"] == "400.00"


@pytest.mark.django_db
def test_an_administrator_reads_but_does_not_work_cases(administrator, case):
    client = client_for(administrator)
    response = client.post(
        f"/api/v1/cases/{case.pk}/contacts/",
        {"at": "2026-03-02T09:00", "channel": "phone", "with_whom": "x", "summary": "y"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/cases/{case.pk}/contacts/").status_code == 200


@pytest.mark.django_db
def test_administrators_edit_the_registry_in_the_admin(administrator, coordinator):
    assert client_for(administrator).get("/admin/reviewers/specialist/add/").status_code == 200
    assert client_for(coordinator).get("/admin/reviewers/specialist/add/").status_code == 302
