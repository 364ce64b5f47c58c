"""The staff home page: the work queue with due buckets, filters and a refreshable table.

"Now" is frozen at Wed 2026-06-10 12:00 PDT; each case is opened through intake at the
moment it was received at the plan, so its clocks are the ones the rules give (a standard
pre-service request: the authorization decision, end of the 14th calendar day after the
day of receipt; no response-needed date unless a test gives one):

    received Wed 05-20 -> due Wed 06-03 23:59:59   overdue
    received Mon 05-25 -> due Mon 06-08 23:59:59   overdue
    received Wed 05-27 -> due Wed 06-10 23:59:59   today
    received Thu 05-28 -> due Thu 06-11 23:59:59   next business day
    received Wed 06-10 -> due Wed 06-24 23:59:59   later
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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


PDT = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 6, 10, 12, tzinfo=PDT)


def _received(owner, tar_number: str, day: date, *, hour: int = 9):
    """A case opened at intake at the moment it was received at the plan."""
    received = datetime(day.year, day.month, day.day, hour, tzinfo=PDT)
    with time_machine.travel(received + timedelta(minutes=5), tick=False):
        return open_case(
            owner, tar_number=tar_number, received_at_plan=received, response_needed_by=None
        )


def _due_end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=PDT)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_the_queue_orders_by_nearest_clock_and_counts_buckets(coordinator):
    late = _received(coordinator, "TAR-LATE", date(2026, 5, 25))
    _received(coordinator, "TAR-SOON", date(2026, 6, 10))
    assert late.clocks.get(status="running").due_at == _due_end_of(date(2026, 6, 8))
    with time_machine.travel(NOW, tick=False):
        html = client_for(coordinator).get(reverse("home")).content.decode()
    assert html.index("TAR-LATE") < html.index("TAR-SOON")
    assert "Overdue: <strong>1</strong>" in html
    assert "Later: <strong>1</strong>" in html
    assert 'hx-trigger="every 60s"' in html
    assert "/static/django_htmx/htmx-2" in html or "htmx" in html


def test_filters_window_and_mine(coordinator, cmo, frozen_now):
    _received(coordinator, "TAR-LATE", date(2026, 5, 25))
    _received(cmo, "TAR-CMO", date(2026, 6, 10))
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
    # 4 for the queue (holidays, newest review, the page with its counts, the display
    # rows), 7 for the request (session, user, permissions twice, groups, notification
    # count, the IMRO names of the filter); with filters set the same.
    with django_assert_max_num_queries(11) as small:
        client.get(reverse("home"))
    with django_assert_max_num_queries(11):
        client.get(
            reverse("home"), {"status": "intake", "review_type": "standard", "window": "overdue"}
        )
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
    # Received a day apart, the earliest first: each due a day after the one before.
    first_day = date(2026, 4, 1)
    for n in range(53):
        _received(coordinator, f"TAR-Q{n:03d}", first_day + timedelta(days=n))
    with time_machine.travel(NOW, tick=False):
        client = client_for(coordinator)
        first = client.get(reverse("home")).content.decode()
        second = client.get(reverse("home"), {"page": "2", "mine": "1"}).content.decode()
        refresh = client.get(reverse("home"), {"page": "2", "partial": "1"}).content.decode()
    assert "TAR-Q000" in first and "TAR-Q049" in first and "TAR-Q050" not in first
    assert first.index("TAR-Q000") < first.index("TAR-Q001") < first.index("TAR-Q049")
    assert "Open cases 1–50" in first
    assert "page=2" in first and "Previous page" not in first
    assert "TAR-Q050" in second and "TAR-Q052" in second and "TAR-Q049" not in second
    assert "Open cases 51–53" in second
    assert "mine=1&amp;page=1" in second and "Next page" not in second
    assert "TAR-Q050" in refresh and "TAR-Q000" not in refresh


@pytest.mark.parametrize("page", ["0", "-3", "two", ""])
def test_a_bad_page_number_shows_the_first_page(coordinator, page):
    open_case(coordinator, tar_number="TAR-ONLY")
    response = client_for(coordinator).get(reverse("home"), {"page": page})
    assert response.status_code == 200
    assert "TAR-ONLY" in response.content.decode()


def test_a_page_past_the_end_says_so(coordinator):
    open_case(coordinator, tar_number="TAR-ONLY")
    html = client_for(coordinator).get(reverse("home"), {"page": "9"}).content.decode()
    assert "TAR-ONLY" not in html and "No open cases" in html
    assert "Previous page" in html


def test_the_bucket_counts_agree_on_every_path(
    coordinator, cmo, settings, tmp_path, django_assert_num_queries
):
    """The counts and the page come from one query, filtered or not, and past the end;
    all three must say the same (the receipts and due times are in the module note)."""
    from cases.selectors.queue import QueueFilters, queue_page

    use_private_storage(settings, tmp_path)
    days = [date(2026, 5, 20), date(2026, 5, 25), date(2026, 5, 27), date(2026, 5, 28)]
    for n, day in enumerate([*days, date(2026, 6, 10)]):
        _received(coordinator, f"TAR-B{n}", day)
    # Resolved but not closed: open, every clock stopped (the plan's clock at resolution).
    with time_machine.travel(datetime(2026, 6, 9, 9, tzinfo=PDT), tick=False):
        case_at(Status.RESOLVED, owner=coordinator, decider=cmo, tar_number="TAR-NO-CLOCK")
    with time_machine.travel(NOW, tick=False):
        unfiltered = queue_page(user=coordinator, filters=QueueFilters(), now=NOW)
        filtered = queue_page(user=coordinator, filters=QueueFilters(status="intake"), now=NOW)
        past_end = queue_page(user=coordinator, filters=QueueFilters(), now=NOW, page=5)
    assert unfiltered["counts"] == {"overdue": 2, "today": 1, "next": 1, "later": 1, "none": 1}
    assert unfiltered["counts"] == filtered["counts"] == past_end["counts"]
    assert past_end["rows"] == []
    tars = [row.case.tar_number for row in unfiltered["rows"]]
    assert tars == ["TAR-B0", "TAR-B1", "TAR-B2", "TAR-B3", "TAR-B4", "TAR-NO-CLOCK"]
    assert [row.case.tar_number for row in filtered["rows"]] == tars[:5]
    assert unfiltered["rows"][0].case.next_due_at == _due_end_of(date(2026, 6, 3))
    assert unfiltered["rows"][-1].case.next_due_at is None
    # Holidays, the IMROs' median turnarounds (R-RPT-6), page with counts, display rows;
    # the same with filters, whose page and counts come from one query too.
    with django_assert_num_queries(4):
        queue_page(user=coordinator, filters=QueueFilters(), now=NOW)
    every_filter = QueueFilters(
        window="overdue", status="intake", review_type="standard", owner=coordinator.username
    )
    with django_assert_num_queries(4):
        shown = queue_page(user=coordinator, filters=every_filter, now=NOW)["rows"]
    assert [row.case.tar_number for row in shown] == ["TAR-B0", "TAR-B1"]
    # No IMRO is assigned at intake: nothing to show, so no display rows to read.
    with django_assert_num_queries(3):
        assert not queue_page(user=coordinator, filters=QueueFilters(imro="Acme"), now=NOW)["rows"]


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
