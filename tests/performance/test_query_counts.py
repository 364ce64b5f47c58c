"""Every page's query count is constant in the number of rows (issue 10).

Each page is requested over a small data set, then over one several times larger (more
cases, and for the case page more documents, events, clocks and letters on the case
shown); the larger one may not take a single query more. The data comes from the same
bulk generator as the benchmark (tests/support/synthetic.py).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.events import case_events_bulk_add
from cases.models import Case, CaseEvent
from reports.forms import last_twelve_months
from reviewers.models import Assignment, Specialist
from tests.support.personas import client_for
from tests.support.synthetic import cases_generate
from timelines.models import Clock

CASE_PAGE_QUERIES = 19


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _rich_case() -> Case:
    """An open case with a review, a signed determination, letters and running clocks."""
    return (
        Case.objects.filter(status="notified", letters__isnull=False, clocks__status="running")
        .order_by("pk")
        .first()
    )


def _grow(case: Case, actor) -> None:
    """Many more rows on the one case: documents, events and (stopped) clocks."""
    first = case.documents.order_by("pk").first()
    for number in range(15):
        first.pk = None
        first.storage_name = f"synthetic/grown-{case.pk}-{number}"
        first.save()
    now = timezone.now()
    case_events_bulk_add(
        [
            CaseEvent(
                case=case,
                at=now - timedelta(minutes=i),
                actor=actor,
                actor_name="Synthetic tester",
                kind="note",
                summary="Note.",
            )
            for i in range(40)
        ]
    )
    clock = Clock.objects.filter(case=case).order_by("pk").first()
    for number in range(10):
        clock.pk = None
        clock.status = "cancelled"
        clock.stopped_at = now - timedelta(hours=number)
        clock.save()


@pytest.fixture
def reviewer_with_cases(reviewer):
    """The IMRO reviewer persona, as the specialist the generator assigns most cases."""

    def link() -> None:
        busiest = (
            Assignment.objects.filter(ended_at=None).values("specialist").order_by("specialist")
        ).first()
        Specialist.objects.filter(pk=busiest["specialist"]).update(user=reviewer)

    return link


@pytest.mark.django_db
def test_pages_take_no_more_queries_with_more_rows(
    coordinator, cmo, reviewer, reviewer_with_cases, django_assert_max_num_queries
):
    cases_generate(count=20, open_share=0.8, seed=11)
    reviewer_with_cases()
    staff, chief, portal = client_for(coordinator), client_for(cmo), client_for(reviewer)
    case = _rich_case()
    start, end = last_twelve_months()
    assigned = Assignment.objects.filter(specialist__user=reviewer, ended_at=None).first()
    # A search that finds rows in both data sets: the list logs each row shown (one INSERT).
    name = Case.objects.order_by("pk").first().member.last_name[:4]
    searched = staff.post("/cases/search/", {"q": name})["Location"]
    pages = {
        "work queue": (staff, "/"),
        "CMO to-do": (chief, "/cases/cmo/"),
        "case list": (staff, "/cases/"),
        "case list search": (staff, searched),
        "case page": (staff, f"/cases/{case.pk}/"),
        "portal home": (portal, "/portal/"),
        "portal case": (portal, f"/portal/cases/{assigned.case_id}/"),
        "QUAC report": (chief, f"/reports/?date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}"),
    }
    small = {name: _queries(client, url) for name, (client, url) in pages.items()}
    # Issue 20: each panel's rows are read once (one review, one list of current
    # documents, one list of information requests, the determinations once). Of these,
    # 3 are the session, the user (with the role's permissions, group names and unread
    # count: imr.accounts.backend) and the access-log row; the page's own reads are the
    # other 16 (the oral notices of R-NOT-12 among them, prefetched with the case; the
    # history read once for the portal activity and the audited dates too; nothing for
    # the TAR bundles of a case not yet resolved). (The session is saved at most every
    # 30 s: imr.middleware.STAMP_EVERY_SECONDS.)
    assert small["case page"] == CASE_PAGE_QUERIES, small["case page"]

    cases_generate(count=60, open_share=0.5, seed=12)
    _grow(case, coordinator)
    for name, (client, url) in pages.items():
        with django_assert_max_num_queries(small[name]):
            response = client.get(url)
        assert response.status_code == 200, name
