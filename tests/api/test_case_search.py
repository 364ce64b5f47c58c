"""POST /api/v1/cases/search/: the term in the body, never in a URL (issue 11); every case
returned by it or by the list is access-logged (R-TRK-8)."""

import pytest

from cases.models import AccessLog, Status
from tests.support.cases import open_case
from tests.support.factories import MEMBER_FIRST, MEMBER_LAST, MemberFactory
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/cases/search/"


def _search(client, path: str = SEARCH, **body):
    return client.post(path, body, content_type="application/json")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def two_cases(coordinator):
    case = open_case(coordinator)
    other = open_case(coordinator, member=MemberFactory(last_name="Otherperson"), tar_number="T-9")
    return case, other


def test_it_finds_by_tar_identifier_and_name(coordinator, two_cases):
    case, _other = two_cases
    client = client_for(coordinator)
    queries = ["TAR-000123", case.member.internal_id.lower(), MEMBER_LAST[:5]]
    for query in [*queries, f"{MEMBER_FIRST} {MEMBER_LAST}"]:
        assert _ids(_search(client, q=query)) == [case.pk], query
    assert _ids(_search(client, q="nobody-like-this")) == []


def test_it_answers_the_list_shape_and_applies_the_list_filters(coordinator, two_cases):
    client = client_for(coordinator)
    body = _search(client, q=MEMBER_FIRST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and body["results"][0]["tar_number"] in ("TAR-000123", "T-9")
    assert _ids(_search(client, q=MEMBER_FIRST, status=[Status.WITHDRAWN])) == []
    assert _ids(_search(client, q=MEMBER_FIRST, review_type="expedited")) == []
    assert len(_ids(_search(client, q=MEMBER_FIRST, owner="coordinator"))) == 2
    after = {"received_after": "2026-06-02T00:00:00-07:00"}
    assert _ids(_search(client, q=MEMBER_FIRST, **after)) == []


def test_pages_are_asked_in_the_query_string_with_the_same_body(coordinator, two_cases):
    client = client_for(coordinator)
    first = _search(client, f"{SEARCH}?page_size=1", q=MEMBER_FIRST).json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert MEMBER_FIRST not in first["next"] and first["next"].endswith("page=2&page_size=1")
    second = _search(client, first["next"], q=MEMBER_FIRST).json()
    assert {first["results"][0]["id"], second["results"][0]["id"]} == set(
        case.pk for case in two_cases
    )


def test_a_search_term_in_the_url_is_refused_with_a_problem(coordinator, two_cases):
    response = client_for(coordinator).get("/api/v1/cases/", {"q": MEMBER_LAST})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:imr-desk:problem:invalid"
    assert "POST" in problem["detail"] and "/api/v1/cases/search/" in problem["detail"]
    assert list(problem["errors"]) == ["q"] and MEMBER_LAST not in response.content.decode()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"q": "   "}, {"q": "x" * 101}, {"q": MEMBER_LAST, "status": ["weekly"]}],
)
def test_a_refused_search_is_a_problem_and_logs_nothing(coordinator, two_cases, body):
    response = _search(client_for(coordinator), **body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not AccessLog.objects.exists()


def test_roles_without_phi_access_cannot_search(two_cases, quac_member, reviewer, outsider):
    for user in (quac_member, reviewer, outsider):
        assert _search(client_for(user), q=MEMBER_LAST).status_code == 403
    assert not AccessLog.objects.exists()


def test_each_case_returned_writes_one_access_log_row(coordinator, cmo, two_cases):
    case, other = two_cases
    client = client_for(cmo)
    client.post(SEARCH, {"q": MEMBER_LAST}, "application/json", REMOTE_ADDR="10.0.0.8")
    rows = list(AccessLog.objects.all())
    assert [(r.action, r.user_id, r.case_id, r.ip_address) for r in rows] == [
        ("view_list", cmo.pk, case.pk, "10.0.0.8")
    ]
    seen = AccessLog.objects.latest("pk").pk  # the log is append-only: read what follows
    assert len(_ids(client.get("/api/v1/cases/"))) == 2
    after = AccessLog.objects.filter(pk__gt=seen)
    assert sorted(after.values_list("case_id", flat=True)) == sorted([case.pk, other.pk])
    assert set(after.values_list("action", "user_id")) == {("view_list", cmo.pk)}
    seen = AccessLog.objects.latest("pk").pk
    client.get("/api/v1/cases/", {"page_size": 1})
    assert AccessLog.objects.filter(pk__gt=seen).count() == 1
