"""The report costs a fixed number of queries, and no query selects member PHI."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reports.conftest import RANGE, Registry, local, make_case, make_registry
from tests.support.personas import client_for

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db

# Report figures (12, plus one each for UM 5 and CMS-0057-F, and the JIT switch), filter
# choices (2), history (1), the run row and its savepoints (3), and what every page
# costs: session, user, permissions, groups, notifications, the idle timeout's session
# save (9). None of them depends on the number of cases.
MAX_QUERIES = 30


def load_cases(count: int, owner, registry: Registry | None = None) -> None:
    registry = registry or make_registry()
    reviewers = [registry.acme_reviewer, registry.beacon_reviewer, registry.independent]
    for index in range(count):
        make_case(
            owner=owner,
            reviewer=reviewers[index % 3],
            review_type=["standard", "expedited", "retrospective"][index % 3],
            specialty=f"Specialty {index % 5}",
            circumstances=[1 + index % 6],
            imro_received_at=local(2026, 1, 5, 9) + timedelta(days=index * 2),
            charge=Decimal("500.00"),
            review_after_hours=10 + index,
            recommendation=["uphold", "overturn", "modify"][index % 3],
            determinations=[(["deny", "approve", "modify"][index % 3], True)],
            clocks=[("imro_determination", ["met", "missed"][index % 2])],
        )


def page_queries(user) -> list[str]:
    client = client_for(user)
    client.get(reverse("home"))  # session and user loaded once, outside the count
    frozen = time_machine.travel(local(2026, 4, 15, 12), tick=False)
    with frozen, CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:report"), RANGE)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_needs_a_bounded_number_of_queries(
    quac_member, coordinator, count, django_assert_max_num_queries
):
    load_cases(count, coordinator)
    client = client_for(quac_member)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("reports:report"), RANGE).status_code == 200


def test_the_query_count_does_not_grow_with_the_cases(quac_member, coordinator):
    registry = make_registry()
    load_cases(3, coordinator, registry)
    few = page_queries(quac_member)
    load_cases(27, coordinator, registry)
    many = page_queries(quac_member)
    assert len(few) == len(many), "\n".join(many)


PHI_COLUMNS = [
    '"cases_member"."first_name"',
    '"cases_member"."last_name"',
    '"cases_member"."cin"',
    '"cases_member"."date_of_birth"',
    '"cases_member"."address_line1"',
    '"cases_practitioner"',
    '"reviewers_specialist"',
]


def test_no_query_selects_member_phi_or_a_person(quac_member, coordinator):
    load_cases(3, coordinator)
    sql = "\n".join(page_queries(quac_member))
    assert '"cases_member"."internal_id"' in sql  # the missed list, by identifier
    for column in PHI_COLUMNS:
        assert column not in sql, column
