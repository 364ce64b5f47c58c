"""work_queue(): open cases by nearest running clock, due-window filters, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imr.roles import Role
from tests.support.personas import make_user
from tests.timelines.conftest import local, make_case
from timelines.selectors import work_queue
from timelines.services import clocks_start, clocks_stop

NOW = local(2026, 3, 9, 12, 0)  # Monday noon


@pytest.fixture
def cases(coordinator):
    def imro_case(received, owner=coordinator, status="intake"):
        case = make_case(owner=owner, status=status)
        clocks_start(case=case, trigger="imro_receipt", at=received)
        return case

    return {
        "overdue": imro_case(local(2026, 2, 27, 9)),  # due Fri 03-06
        "today": imro_case(local(2026, 3, 2, 9)),  # due Mon 03-09
        "next": imro_case(local(2026, 3, 3, 9)),  # due Tue 03-10
        "later": imro_case(local(2026, 3, 6, 9)),  # due Fri 03-13
        "closed": imro_case(local(2026, 2, 20, 9), status="closed"),
    }


@pytest.mark.django_db
def test_it_sorts_open_cases_by_the_nearest_clock(cases):
    queue = list(work_queue(now=NOW))
    assert [c.pk for c in queue] == [cases[k].pk for k in ("overdue", "today", "next", "later")]
    assert queue[0].next_clock == "imro_determination"


@pytest.mark.django_db
@pytest.mark.parametrize("window", ["overdue", "today", "next"])
def test_it_filters_by_due_window(cases, window):
    assert [c.pk for c in work_queue(now=NOW, window=window)] == [cases[window].pk]


@pytest.mark.django_db
def test_a_stopped_clock_no_longer_counts(cases):
    clocks_stop(case=cases["overdue"], trigger="determination_received", at=NOW)
    assert [c.pk for c in work_queue(now=NOW, window="overdue")] == []


@pytest.mark.django_db
def test_mine_keeps_the_users_cases(cases, coordinator):
    other = make_user("other", Role.UM_STAFF)
    assert len(work_queue(user=other, mine=True, now=NOW)) == 0
    assert len(work_queue(user=coordinator, mine=True, now=NOW)) == 4


@pytest.mark.django_db
def test_one_query_whatever_the_number_of_cases(cases, coordinator):
    with CaptureQueriesContext(connection) as few:
        list(work_queue(now=NOW, window="today"))
    for _ in range(5):
        clocks_start(
            case=make_case(owner=coordinator), trigger="imro_receipt", at=local(2026, 3, 2, 9)
        )
    with CaptureQueriesContext(connection) as many:
        rows = list(work_queue(now=NOW, window="today"))
    assert len(rows) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
