"""The staff home page: the work queue with due buckets, filters and a refreshable table."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Status
from cases.selectors.queue import late_text
from tests.support.cases import case_at, open_case
from tests.support.files import use_private_storage
from tests.support.personas import client_for
from timelines.models import Clock
from timelines.rules import RULES

pytestmark = pytest.mark.django_db


def _due(case, when):
    Clock.objects.filter(case=case).update(due_at=when)


def test_the_queue_orders_by_nearest_clock_and_counts_buckets(coordinator):
    now = timezone.now()
    late = open_case(coordinator, tar_number="TAR-LATE")
    soon = open_case(coordinator, tar_number="TAR-SOON")
    _due(late, now - timedelta(hours=3))
    _due(soon, now + timedelta(days=20))
    html = client_for(coordinator).get(reverse("home")).content.decode()
    assert html.index("TAR-LATE") < html.index("TAR-SOON")
    assert "Overdue: <strong>1</strong>" in html
    assert "Later: <strong>1</strong>" in html
    assert 'hx-trigger="every 60s"' in html
    assert "/static/django_htmx/htmx-2" in html or "htmx" in html


def test_filters_window_and_mine(coordinator, cmo):
    now = timezone.now()
    late = open_case(coordinator, tar_number="TAR-LATE")
    _due(late, now - timedelta(hours=1))
    other = open_case(cmo, tar_number="TAR-CMO")
    _due(other, now + timedelta(days=20))
    client = client_for(coordinator)
    overdue = client.get(reverse("home"), {"window": "overdue"}).content.decode()
    assert "TAR-LATE" in overdue and "TAR-CMO" not in overdue
    mine = client_for(cmo).get(reverse("home"), {"mine": "1"}).content.decode()
    assert "TAR-CMO" in mine and "TAR-LATE" not in mine


def test_closed_cases_are_not_in_the_queue(coordinator, cmo, settings, tmp_path):
    use_private_storage(settings, tmp_path)
    settings.TAR_BUNDLE_DIR = str(tmp_path / "tar-bundles")
    # Walked to closed through the services (tests/support/cases.py).
    case_at(Status.CLOSED, owner=coordinator, decider=cmo, tar_number="TAR-CLOSED")
    open_case(coordinator, tar_number="TAR-STILL-OPEN")
    html = client_for(coordinator).get(reverse("home")).content.decode()
    assert "TAR-CLOSED" not in html
    assert "TAR-STILL-OPEN" in html


def test_the_partial_table_refresh_does_not_extend_the_session(coordinator):
    client = client_for(coordinator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        partial = client.get(reverse("home"), {"partial": "1"}, headers={"X-IMR-Background": "1"})
        assert partial.status_code == 200
        assert "<h1>" not in partial.content.decode()
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_the_query_count_does_not_grow_with_cases(coordinator, django_assert_max_num_queries):
    for n in range(3):
        open_case(coordinator, tar_number=f"TAR-{n}")
    client = client_for(coordinator)
    client.get(reverse("home"))
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("home"))
    for n in range(3, 25):
        open_case(coordinator, tar_number=f"TAR-{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("home"))


def test_the_cmo_sees_what_waits_for_them(coordinator, cmo):
    open_case(coordinator, tar_number="TAR-APPROVE-ME")
    html = client_for(cmo).get(reverse("cases:cmo")).content.decode()
    assert "TAR-APPROVE-ME" in html
    # Clocks by name in words, never their ids (issue 18 finding 9).
    assert not [row.name for row in RULES if f">{row.name}<" in html]
    assert any(f">{row.label}<" in html for row in RULES)
    assert client_for(coordinator).get(reverse("cases:cmo")).status_code == 403


def test_the_queue_pages_fifty_cases_at_a_time_most_urgent_first(coordinator):
    now = timezone.now()
    for n in range(53):
        case = open_case(coordinator, tar_number=f"TAR-Q{n:03d}")
        _due(case, now + timedelta(hours=n + 1))
    client = client_for(coordinator)
    first = client.get(reverse("home")).content.decode()
    assert "TAR-Q000" in first and "TAR-Q049" in first and "TAR-Q050" not in first
    assert "Open cases 1–50" in first
    assert "page=2" in first and "Previous page" not in first
    second = client.get(reverse("home"), {"page": "2", "mine": "1"}).content.decode()
    assert "TAR-Q050" in second and "TAR-Q052" in second and "TAR-Q049" not in second
    assert "Open cases 51–53" in second
    assert "mine=1&amp;page=1" in second and "Next page" not in second
    refresh = client.get(reverse("home"), {"page": "2", "partial": "1"}).content.decode()
    assert "TAR-Q050" in refresh and "TAR-Q000" not in refresh


@pytest.mark.parametrize("page", ["0", "-3", "two", ""])
def test_a_bad_page_number_shows_the_first_page(coordinator, page):
    case = open_case(coordinator, tar_number="TAR-ONLY")
    _due(case, timezone.now() + timedelta(hours=1))
    response = client_for(coordinator).get(reverse("home"), {"page": page})
    assert response.status_code == 200
    assert "TAR-ONLY" in response.content.decode()


def test_a_page_past_the_end_says_so(coordinator):
    open_case(coordinator, tar_number="TAR-ONLY")
    html = client_for(coordinator).get(reverse("home"), {"page": "9"}).content.decode()
    assert "TAR-ONLY" not in html and "No open cases" in html
    assert "Previous page" in html


def test_the_bucket_counts_agree_on_every_path(coordinator, django_assert_num_queries):
    """Unfiltered, the counts ride on the page's query; filtered or past the end, they
    are counted on their own. All three must say the same."""
    from cases.selectors.queue import QueueFilters, queue_page

    now = timezone.now()
    for n, offset in enumerate([-3, -1, 1, 24 * 9, 24 * 20]):
        _due(open_case(coordinator, tar_number=f"TAR-B{n}"), now + timedelta(hours=offset))
    open_case(coordinator, tar_number="TAR-NO-CLOCK").clocks.update(status="met")
    unfiltered = queue_page(user=coordinator, filters=QueueFilters(), now=now)
    filtered = queue_page(user=coordinator, filters=QueueFilters(status="intake"), now=now)
    past_end = queue_page(user=coordinator, filters=QueueFilters(), now=now, page=5)
    assert unfiltered["counts"]["overdue"] == 2
    assert unfiltered["counts"]["none"] == 1
    assert sum(unfiltered["counts"].values()) == 6
    assert unfiltered["counts"] == filtered["counts"] == past_end["counts"]
    assert [row.case.tar_number for row in unfiltered["rows"]][:2] == ["TAR-B0", "TAR-B1"]
    assert unfiltered["rows"][-1].case.tar_number == "TAR-NO-CLOCK"
    assert unfiltered["rows"][0].case.next_due_at == now - timedelta(hours=3)
    # Holidays, the IMROs' median turnarounds (R-RPT-6), page with counts, display rows;
    # the same with filters, whose page and counts come from one query too.
    with django_assert_num_queries(4):
        queue_page(user=coordinator, filters=QueueFilters(), now=now)
    with django_assert_num_queries(4):
        queue_page(
            user=coordinator, filters=QueueFilters(status="intake", review_type="standard"), now=now
        )


def test_an_overdue_row_says_how_late_it_is(coordinator):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        case = open_case(coordinator, tar_number="TAR-LATE")
        due = Clock.objects.filter(case=case, status="running").order_by("due_at")[0].due_at
        traveller.move_to(due + timedelta(hours=5, minutes=10))
        hours = client_for(coordinator).get(reverse("home")).content.decode()
        traveller.move_to(due + timedelta(days=3, hours=2))
        days = client_for(coordinator).get(reverse("home")).content.decode()
    assert '<span class="late">5 h late</span>' in hours
    assert '<span class="late">3 d late</span>' in days


def test_late_text_units():
    now = timezone.now()
    assert late_text(now - timedelta(minutes=12), now=now) == "12 min late"
    assert late_text(now - timedelta(hours=47, minutes=59), now=now) == "47 h late"
    assert late_text(now - timedelta(hours=49), now=now) == "2 d late"
