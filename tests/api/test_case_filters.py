"""The cases list filters by status, review type, owner and received range (django-filter)."""

from datetime import datetime

import pytest

from cases.models import Case, Status
from imr.roles import Role
from tests.support.cases import open_case
from tests.support.personas import client_for, make_user

pytestmark = pytest.mark.django_db


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00-07:00")


@pytest.fixture
def three_cases(coordinator):
    other = make_user("other-coordinator", Role.UM_STAFF)
    june = open_case(coordinator, received_at_plan=_at("2026-06-01"), review_type="retrospective")
    july = open_case(other, received_at_plan=_at("2026-07-01"), review_type="standard")
    august = open_case(coordinator, received_at_plan=_at("2026-08-01"), review_type="retrospective")
    Case.objects.filter(pk=august.pk).update(status=Status.WITHDRAWN)
    return june, july, august


def _ids(client, **params) -> list[int]:
    response = client.get("/api/v1/cases/", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_filters(coordinator, three_cases):
    june, july, august = three_cases
    client = client_for(coordinator)
    assert _ids(client) == [august.pk, july.pk, june.pk]  # newest received first
    assert _ids(client, owner="other-coordinator") == [july.pk]
    assert _ids(client, review_type="standard") == [july.pk]
    assert _ids(client, status=Status.WITHDRAWN) == [august.pk]
    received = {"received_after": "2026-06-15T00:00:00-07:00", "received_before": "2026-08-01"}
    assert _ids(client, **received) == [july.pk]


def test_several_statuses_at_once(coordinator, three_cases):
    june, july, august = three_cases
    response = client_for(coordinator).get(
        f"/api/v1/cases/?status={Status.WITHDRAWN}&status={Case.objects.get(pk=june.pk).status}"
    )
    assert {row["id"] for row in response.json()["results"]} == {june.pk, july.pk, august.pk}


def test_a_bad_filter_value_is_a_problem_naming_it(coordinator, three_cases):
    response = client_for(coordinator).get(
        "/api/v1/cases/", {"review_type": "weekly", "received_after": "soon"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"review_type", "received_after"}


def test_an_offset_postgresql_refuses_is_compared_in_utc(coordinator, three_cases):
    # Found by schemathesis: Python accepts -20:43, PostgreSQL does not.
    *_, august = three_cases
    ids = _ids(client_for(coordinator), received_after="2026-06-30T20:00:00-20:43")
    assert ids == [august.pk]
