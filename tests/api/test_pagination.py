"""Lists are paginated (50 a page, at most 200) over an ordering with no ties."""

import pytest
from django.db.models import QuerySet
from rest_framework.generics import ListAPIView
from rest_framework.test import APIRequestFactory, force_authenticate

from imr.api.pagination import PageNumberPagination, stable_order
from notifications.models import Notification
from tests.api.conftest import api_routes, view_class
from tests.support.cases import open_case
from tests.support.personas import client_for, make_user

pytestmark = pytest.mark.django_db


def _notify(user, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="warning", text=f"Clock {i}") for i in range(count)
    )


def test_page_size_is_capped_at_200(coordinator):
    _notify(coordinator, 205)
    client = client_for(coordinator)

    default = client.get("/api/v1/notifications/").json()
    asked = client.get("/api/v1/notifications/", {"page_size": 1000}).json()
    small = client.get("/api/v1/notifications/", {"page_size": 5, "page": 2}).json()

    assert default["count"] == 205 and len(default["results"]) == 50
    assert len(asked["results"]) == 200 and asked["next"]
    assert len(small["results"]) == 5 and small["previous"]


def test_a_page_past_the_end_is_a_404_problem(coordinator):
    response = client_for(coordinator).get("/api/v1/notifications/", {"page": 99})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_pages_neither_repeat_nor_skip_rows_with_equal_sort_keys(coordinator):
    _notify(coordinator, 7)  # bulk_create: created_at may tie; the pk breaks ties
    client = client_for(coordinator)
    seen = []
    for page in (1, 2, 3, 4):
        seen += [
            row["id"]
            for row in client.get("/api/v1/notifications/", {"page_size": 2, "page": page}).json()[
                "results"
            ]
        ]
    assert sorted(seen) == sorted(Notification.objects.values_list("pk", flat=True))


def test_stable_order_ends_an_ordering_with_the_primary_key():
    tied = stable_order(Notification.objects.order_by("created_at"))
    assert tied.query.order_by == ("created_at", "pk")
    unique = Notification.objects.order_by("-created_at", "-pk")
    assert stable_order(unique).query.order_by == ("-created_at", "-pk")


def _list_views():
    for route, entry in api_routes():
        cls = view_class(entry)
        if issubclass(cls, ListAPIView):
            yield pytest.param(cls, entry.pattern.converters, id=route)


@pytest.mark.parametrize(("cls", "converters"), list(_list_views()))
def test_every_list_endpoint_is_paginated_over_a_unique_ordering(cls, converters, coordinator):
    """Enumerated from the URL conf: each ListAPIView's own queryset has no ties."""
    admin = make_user("list-admin", None, is_superuser=True)
    case = open_case(coordinator)
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=admin)
    view = cls()
    view.setup(request)
    view.request = view.initialize_request(request)
    view.request.user = admin
    view.kwargs = {name: case.pk for name in converters}
    view.format_kwarg = None

    if cls.pagination_class is None:
        # A document's versions: a short chain, walked newest first, not a queryset.
        assert cls.__name__ == "DocumentVersionsView"
        return
    queryset = view.get_queryset()
    assert isinstance(view.paginator, PageNumberPagination), cls
    assert isinstance(queryset, QuerySet), cls
    # The view's own ordering already has no ties: the paginator need not add the pk.
    assert stable_order(queryset) is queryset, (cls, queryset.query.order_by)


def test_the_list_endpoints_found_include_cases_and_documents():
    names = {param.id for param in _list_views()}
    assert "api/v1/cases/" in names and "api/v1/cases/<int:case_pk>/documents/" in names
