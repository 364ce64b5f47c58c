"""Reviewer A reaches nothing of reviewer B's case, and no portal page shows member PHI.

Routes are enumerated from the URL conf: everything under /portal/, and the API of the
IMRO loop (reviewers.api_urls, with the submission and the review received from
cases.api.urls), so a new view is covered without editing this test.
"""

import io
import re

import pytest
from pypdf import PdfReader

from cases.models import AccessLog, CaseEvent
from imr.roles import Role
from reviewers import services
from reviewers.models import ConflictAttestation, InformationRequest, Review
from tests.reviewers.conftest import (
    PHI_STRINGS,
    determination_file,
    imro_loop_api,
    make_case,
    make_imro,
    make_specialist,
    submitted,
)
from tests.support.personas import client_for, make_user
from tests.urlconf import url_patterns


def _routes() -> list[tuple[str, str]]:
    return [
        ("/" + route, pattern.name)
        for route, pattern, _ in url_patterns()
        if route.startswith("portal/") or imro_loop_api(route, pattern)
    ]


ROUTES = _routes()
CASE_ROUTES = [(route, name) for route, name in ROUTES if "<int:case_pk>" in route]


def _path(route: str, case_pk: int, pk: int = 0) -> str:
    return route.replace("<int:case_pk>", str(case_pk)).replace("<int:pk>", str(pk))


def test_the_enumeration_finds_the_portal_and_api_routes():
    names = {name for _, name in ROUTES}
    assert {"case", "packet", "determination", "api-portal-case", "api-portal-review"} <= names
    assert len(CASE_ROUTES) >= 15


@pytest.fixture
def two_cases(coordinator, specialist_a, specialist_b, reviewer_b):
    case_a = submitted(make_case(owner=coordinator), specialist_a, coordinator)
    case_b = submitted(make_case(owner=coordinator), specialist_b, coordinator)
    question = services.information_request_ask(case=case_b, actor=reviewer_b, question="Labs?")
    return case_a, case_b, question


def _footprint(case) -> tuple[int, ...]:
    return (
        InformationRequest.objects.filter(case=case).count(),
        Review.objects.filter(case=case).count(),
        ConflictAttestation.objects.filter(case=case).count(),
        AccessLog.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), CASE_ROUTES)
def test_reviewer_a_reaches_nothing_of_reviewer_bs_case(reviewer, two_cases, route, name):
    _, case_b, question = two_cases
    client = client_for(reviewer)
    before = _footprint(case_b)
    path = _path(route, case_b.pk, question.pk)
    attack = {
        "question": "Give me the file",
        "answer": "x",
        "notes": "",
        "recommendation": "overturn",
        "rationale": "r",
        "documents_reviewed": "d",
        "reviewer_qualifications": "q",
        "file": determination_file(),
        **dict.fromkeys(
            ("plan_or_officers", "treating_physician_or_group", "facility", "manufacturer"), "no"
        ),
        "member_or_family": "no",
    }
    for method in ("get", "post"):
        data = attack if method == "post" else None
        response = getattr(client, method)(path, data)
        # 404 on the portal (the case is not theirs), 403 on staff routes, 405 for a method
        # the route never accepts; never a page or a change.
        assert response.status_code in (403, 404, 405), (path, method, response.status_code)
        body = response.content.decode(errors="replace")
        assert case_b.member.internal_id not in body
        assert "Labs?" not in body
    assert _footprint(case_b) == before


@pytest.mark.django_db
def test_the_lists_show_only_the_reviewers_own_cases(reviewer, two_cases):
    case_a, case_b, _ = two_cases
    client = client_for(reviewer)

    page = client.get("/portal/").content.decode()
    api = client.get("/api/v1/portal/cases/").json()

    assert case_a.member.internal_id in page
    assert case_b.member.internal_id not in page
    assert [item["case_id"] for item in api] == [case_a.pk]


@pytest.mark.django_db
def test_an_imro_coordinator_sees_the_imros_cases_and_no_others(coordinator, imro, two_cases):
    case_a, case_b, _ = two_cases
    imro_coordinator = make_user("imro.coordinator", Role.IMRO_REVIEWER)
    imro.coordinator = imro_coordinator
    imro.save()
    other_imro = make_imro("Other IMRO")
    other = submitted(
        make_case(owner=coordinator),
        make_specialist("Dr. Other", imro=other_imro),
        coordinator,
        delivery="email",
    )
    client = client_for(imro_coordinator)

    ids = {item["case_id"] for item in client.get("/api/v1/portal/cases/").json()}

    assert ids == {case_a.pk, case_b.pk}
    assert client.get(f"/portal/cases/{other.pk}/").status_code == 404
    assert client.get(f"/portal/cases/{case_b.pk}/").status_code == 200


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_no_portal_page_or_endpoint_shows_member_phi(reviewer, two_cases):
    case_a, _, _ = two_cases
    # Staff text that names the member is redacted on portal pages, as in the packet.
    case_a.questions.create(position=2, text="Ask Philomena Quackenbush about her knee.")
    client = client_for(reviewer)
    bodies = {}
    for route, name in ROUTES:
        if name.startswith("staff") or (name.startswith("api-") and "portal" not in name):
            continue
        response = client.get(_path(route, case_a.pk))
        if response.status_code == 405:
            continue
        assert response.status_code == 200, (route, response.status_code)
        if response["Content-Type"] == "application/pdf":
            bodies[route] = _pdf_text(response.content)
        else:
            bodies[route] = response.content.decode()
    assert any(case_a.member.internal_id in body for body in bodies.values())
    assert any("about her knee" in body for body in bodies.values())
    for route, body in bodies.items():
        for phi in PHI_STRINGS:
            assert phi not in body, (route, phi)
        assert not re.search(r"\b1961\b", body), route


@pytest.mark.django_db
def test_portal_views_and_downloads_are_access_logged(reviewer, two_cases):
    case_a, _, _ = two_cases
    client = client_for(reviewer)

    client.get(f"/portal/cases/{case_a.pk}/")
    client.get(f"/portal/cases/{case_a.pk}/packet.pdf")
    client.get(f"/api/v1/portal/cases/{case_a.pk}/")

    actions = list(
        AccessLog.objects.filter(case=case_a, user=reviewer).values_list("action", flat=True)
    )
    assert actions == ["view_portal", "download_packet", "view_portal"]


@pytest.mark.django_db
def test_staff_have_no_portal(coordinator, two_cases):
    case_a, _, _ = two_cases
    client = client_for(coordinator)

    assert client.get("/portal/").status_code == 403
    assert client.get(f"/portal/cases/{case_a.pk}/").status_code == 403
