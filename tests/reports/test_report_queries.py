"""The report costs a fixed number of queries, and no query selects member PHI."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reports.conftest import (
    RANGE,
    Decision,
    Registry,
    Story,
    local,
    make_registry,
    walk_story,
)
from tests.support.personas import client_for

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db

# Report figures (12, plus one each for UM 5 and CMS-0057-F, and the JIT switch), filter
# choices (2), history (1), the run row and its savepoints (3), and what every page
# costs: session, user, permissions, groups, notifications, the idle timeout's session
# save (9). None of them depends on the number of cases.
MAX_QUERIES = 30

REVIEWERS = ("acme_reviewer", "beacon_reviewer", "independent")
REVIEW_TYPES = ("standard", "expedited", "retrospective")
# The recommendation, and the CMO's signed decision with whether it follows it.
OUTCOMES = (("uphold", "deny", True), ("overturn", "approve", True), ("modify", "approve", False))


def load_cases(count: int, owner, cmo, registry: Registry | None = None) -> None:
    """`count` cases walked to a signed determination, two days apart from Mon 2026-01-05,
    cycling through review types, IMROs, specialties, circumstances and outcomes; every
    other review arrives late, so the IMRO clocks are met and missed in turn."""
    registry = registry or make_registry()
    for index in range(count):
        review_type = REVIEW_TYPES[index % 3]
        recommendation, outcome, follows = OUTCOMES[index % 3]
        sent = local(2026, 1, 5, 9) + timedelta(days=index * 2)
        review_after = timedelta(hours=10 + index) if index % 2 == 0 else timedelta(days=12)
        expedited = {"expedited_criterion": "imminent_threat", "expedited_determined_by": "cmo"}
        walk_story(
            Story(
                reviewer=REVIEWERS[index % 3],
                review_type=review_type,
                specialty=f"Specialty {index % 5}",
                circumstances=(1 + index % 6,),
                received=sent - timedelta(days=3),
                response_needed_by=(sent + timedelta(days=20)).date(),
                approved=sent - timedelta(days=2),
                sent=sent,
                review_after=review_after,
                recommendation=recommendation,
                decisions=(Decision(sent + review_after + timedelta(hours=2), outcome, follows),),
                facts={"life_threatening": True, **(expedited if index % 3 == 1 else {})},
            ),
            owner=owner,
            cmo=cmo,
            registry=registry,
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
    quac_member, coordinator, cmo, count, django_assert_max_num_queries
):
    load_cases(count, coordinator, cmo)
    client = client_for(quac_member)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("reports:report"), RANGE).status_code == 200


def test_the_query_count_does_not_grow_with_the_cases(quac_member, coordinator, cmo):
    registry = make_registry()
    load_cases(3, coordinator, cmo, registry)
    few = page_queries(quac_member)
    load_cases(27, coordinator, cmo, registry)
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


def test_no_query_selects_member_phi_or_a_person(quac_member, coordinator, cmo):
    load_cases(3, coordinator, cmo)
    sql = "\n".join(page_queries(quac_member))
    # The missed list, by identifier: copied from Member.internal_id into the summary's
    # clock rows when they are refreshed (reports/summary.py), read from there.
    assert '"reports_monthsummaryclock"."internal_id"' in sql
    for column in PHI_COLUMNS:
        assert column not in sql, column
