"""Every /api/v1/ endpoint refuses anonymous callers and wrong roles.

Enumerated from the URL conf: a new endpoint or method that is missing from ROLES
fails test_every_route_is_in_the_table, so it cannot ship without its roles decided.
"""

import pytest

from tests.api.conftest import PERSONA_ROLES, api_routes, sample_path, view_methods

PHI = {"coordinator", "cmo", "administrator"}  # imr.view_phi
WORK = {"coordinator", "cmo"}  # imr.work_cases
DECIDE = {"cmo"}  # imr.decide_cases
REPORTS = {"cmo", "quac", "administrator"}  # imr.view_reports
REVIEWER = {"reviewer"}  # imr.review_assigned_cases, own assignments only
ANYONE = set(PERSONA_ROLES)  # any login: own notifications
STAFF = {"coordinator", "cmo", "quac", "administrator"}  # the plan's staff: the schema

# url name -> method -> personas the role check lets through.
ROLES: dict[str, dict[str, set[str]]] = {
    "api-case-list": {"GET": PHI, "POST": WORK},
    "api-case-search": {"POST": PHI},
    "api-case-detail": {"GET": PHI, "PUT": WORK},
    "api-case-approve": {"POST": DECIDE},
    "api-case-withdraw": {"POST": WORK},
    "api-case-checklist": {"GET": PHI},
    "api-member-detail": {"GET": PHI},
    "api-case-documents": {"GET": PHI, "POST": WORK},
    "api-document-versions": {"GET": PHI, "POST": WORK},
    "api-document-download": {"GET": PHI},
    "api-determination-list": {"GET": PHI, "POST": DECIDE},
    "api-determination-sign": {"POST": DECIDE},
    "api-determination-amend": {"POST": DECIDE},
    "api-letter-list": {"GET": PHI, "POST": WORK},
    "api-letter-preview": {"GET": WORK},
    "api-letter-checks": {"GET": WORK},
    "api-letter-download": {"GET": PHI},
    "api-letter-mailed": {"POST": WORK},
    "api-letter-texts": {"POST": WORK},
    "api-oral-notices": {"POST": WORK},
    "api-case-resolve": {"POST": DECIDE},
    "api-tar-bundle-list": {"GET": PHI, "POST": WORK},
    "api-tar-bundle-download": {"GET": PHI},
    "api-tar-attachment": {"POST": WORK},
    "api-case-close": {"POST": WORK},
    "deadlines-preview": {"GET": PHI},
    "case-clocks": {"GET": PHI},
    "api-imros": {"GET": PHI},
    "api-imro": {"GET": PHI},
    "api-specialists": {"GET": PHI},
    "api-specialist": {"GET": PHI},
    "api-reviewer-suggestions": {"GET": PHI},
    "api-reviewer-assignment": {"GET": PHI, "POST": WORK},
    "api-reviewer-attestations": {"GET": PHI, "POST": WORK},
    "api-reviewer-submission": {"GET": PHI, "POST": WORK},
    "api-contacts": {"GET": PHI, "POST": WORK},
    "api-information-requests": {"GET": PHI},
    "api-information-request-answer": {"POST": WORK},
    "api-reviewer-review": {"GET": PHI, "POST": WORK},
    "api-portal-cases": {"GET": REVIEWER},
    "api-portal-case": {"GET": REVIEWER},
    "api-portal-packet": {"GET": REVIEWER},
    "api-portal-attestation": {"POST": REVIEWER},
    "api-portal-information-requests": {"POST": REVIEWER},
    "api-portal-review": {"POST": REVIEWER},
    "notifications-list": {"GET": ANYONE},
    "reports-quac": {"GET": REPORTS},
    "api-schema": {"GET": STAFF},
    "api-docs": {"GET": STAFF},
    # Any other address under /api/v1/: a 404 problem for a caller who is logged in.
    "api-not-found": dict.fromkeys(("GET", "POST", "PUT", "PATCH", "DELETE"), ANYONE),
}
# A page for people, not an endpoint: anonymous visitors are sent to the login page.
BROWSER_PAGES = {"api-docs"}


def _cases():
    for route, entry in api_routes():
        for method in sorted(view_methods(entry)):
            yield pytest.param(route, entry.name, method, id=f"{method} {route}")


def _call(client, method: str, path: str):
    return client.generic(method, path, data="{}", content_type="application/json")


def test_every_route_is_in_the_table():
    found = {entry.name: view_methods(entry) for _, entry in api_routes()}
    assert len(found) > 40
    assert {name: set(methods) for name, methods in ROLES.items()} == found


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "method"), list(_cases()))
def test_anonymous_is_refused(client, route, name, method):
    response = _call(client, method, sample_path(route))
    if name in BROWSER_PAGES:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("route", "name", "method"), list(_cases()))
def test_only_the_right_roles_pass_the_role_check(personas, route, name, method):
    """Wrong roles get 403 before any object is looked up; right roles never 403.

    The objects do not exist, so a right role gets 404 (or 400 for bad input): what
    matters here is that the role check let it through, and that nothing broke.
    """
    from tests.support.personas import client_for

    allowed = ROLES[name][method]
    for persona, user in personas.items():
        response = _call(client_for(user), method, sample_path(route))
        if persona in allowed:
            assert response.status_code not in (401, 403), (persona, response.status_code)
            assert response.status_code < 500, (persona, response.content)
        else:
            assert response.status_code == 403, (persona, response.status_code)
            assert response.json()["type"].endswith(":permission-denied")
