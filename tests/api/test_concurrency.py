"""A stale update is refused: 409 for a stale `version`, 412 for a stale If-Match."""

import pytest

from cases.models import Case
from tests.cases.test_case_api import NEW_CASE
from tests.support.cases import open_case
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


def _update(**changes: object) -> dict:
    body = {**NEW_CASE, **changes}
    body.pop("member"), body.pop("practitioner")
    return body


def test_the_case_carries_its_version_as_an_etag(coordinator):
    case = open_case(coordinator)
    response = client_for(coordinator).get(f"/api/v1/cases/{case.pk}/")
    assert response["ETag"] == f'W/"{case.version}"'


def test_if_match_with_the_current_etag_updates(coordinator):
    case = open_case(coordinator)
    client = client_for(coordinator)
    etag = client.get(f"/api/v1/cases/{case.pk}/")["ETag"]

    response = client.put(
        f"/api/v1/cases/{case.pk}/",
        _update(review_type="standard"),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'W/"{case.version + 1}"'
    assert Case.objects.get(pk=case.pk).review_type == "standard"


def test_a_stale_if_match_is_412_and_changes_nothing(coordinator):
    case = open_case(coordinator)
    client = client_for(coordinator)
    etag = client.get(f"/api/v1/cases/{case.pk}/")["ETag"]
    first = client.put(
        f"/api/v1/cases/{case.pk}/",
        _update(tar_number="TAR-FIRST"),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert first.status_code == 200

    second = client.put(
        f"/api/v1/cases/{case.pk}/",
        _update(tar_number="TAR-SECOND"),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )

    assert second.status_code == 412
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["type"].endswith(":precondition-failed")
    assert Case.objects.get(pk=case.pk).tar_number == "TAR-FIRST"


def test_a_stale_version_in_the_body_is_409_as_a_problem(coordinator):
    case = open_case(coordinator)
    client = client_for(coordinator)
    version = client.get(f"/api/v1/cases/{case.pk}/").json()["version"]
    client.put(
        f"/api/v1/cases/{case.pk}/",
        _update(version=version, tar_number="TAR-FIRST"),
        content_type="application/json",
    )

    stale = client.put(
        f"/api/v1/cases/{case.pk}/",
        _update(version=version, tar_number="TAR-SECOND"),
        content_type="application/json",
    )

    assert stale.status_code == 409
    assert stale.json()["status"] == 409 and stale.json()["detail"]
    assert Case.objects.get(pk=case.pk).tar_number == "TAR-FIRST"


def test_an_update_without_any_version_is_refused(coordinator):
    case = open_case(coordinator)
    response = client_for(coordinator).put(
        f"/api/v1/cases/{case.pk}/", _update(tar_number="TAR-X"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).tar_number != "TAR-X"
