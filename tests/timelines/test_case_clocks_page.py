"""The clocks fragment and the case clocks page."""

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from tests.support.personas import client_for
from tests.timelines.conftest import MEMBER_LAST, local, make_case
from timelines.selectors import clocks_for_case
from timelines.services import clocks_start, clocks_stop


@pytest.fixture
def expedited(coordinator):
    case = make_case(owner=coordinator, review_type="expedited", received_at=local(2026, 3, 7, 10))
    clocks_start(case=case, trigger="plan_receipt")
    clocks_start(case=case, trigger="imro_receipt", at=local(2026, 3, 7, 10))
    return case


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 8, 7, 30), tick=False)
def test_the_fragment_shows_due_time_left_badge_and_explanation(expedited):
    html = render_to_string("timelines/_case_clocks.html", {"clocks": clocks_for_case(expedited)})
    assert "Sun 2026-03-08 11:00:00 PDT" in html
    assert "3 h 30 min left" in html
    # Hour clocks count hours (issue 18 finding 9): no business-day wording on them.
    assert '<span class="badge badge-today">Due in 3 h</span>' in html
    assert "Due today" not in html and "business day" not in html
    assert "<details>" in html
    assert "72 hours are counted as elapsed time in UTC" in html
    assert "Policy MCUP3138 VI.G.2.b" in html


def imro_clock_items(case):
    return [item for item in clocks_for_case(case) if item.clock.name == "imro_determination"]


@pytest.mark.django_db
def test_business_day_clocks_show_business_days_left(coordinator):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2025, 8, 29, 16, 55))
    with time_machine.travel(local(2025, 9, 2, 10, 0), tick=False):
        (item,) = imro_clock_items(case)
    assert item.time_left == "4 business days left (today not counted)"
    assert (item.badge, item.badge_text) == ("later", "Later")
    with time_machine.travel(local(2025, 9, 5, 10, 0), tick=False):
        (item,) = imro_clock_items(case)
    assert item.badge == "next"  # Friday: Monday is the next business day
    with time_machine.travel(local(2025, 9, 10, 10, 0), tick=False):
        (item,) = imro_clock_items(case)
    assert (item.badge, item.time_left) == ("overdue", "overdue by 2 business days")


@pytest.mark.django_db
def test_stopped_clocks_show_met_or_missed(coordinator):
    case = make_case(owner=coordinator)
    clocks_start(case=case, trigger="imro_receipt", at=local(2025, 8, 29, 16, 55))
    clocks_stop(case=case, trigger="determination_received", at=local(2025, 9, 9, 9, 0))
    (item,) = imro_clock_items(case)
    assert (item.badge, item.badge_text) == ("missed", "Missed")


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 7, 20, 0), tick=False)
def test_the_case_clocks_page_offers_the_cmo_an_extension(expedited, cmo, coordinator):
    url = reverse("timelines:case_clocks", kwargs={"case_id": expedited.pk})
    cmo_page = client_for(cmo).get(url).content.decode()
    assert reverse("timelines:extension", kwargs={"case_id": expedited.pk}) in cmo_page
    coordinator_page = client_for(coordinator).get(url).content.decode()
    assert "badge-later" in coordinator_page or "badge-next" in coordinator_page
    assert reverse("timelines:extension", kwargs={"case_id": expedited.pk}) not in coordinator_page
    assert MEMBER_LAST not in coordinator_page


@pytest.mark.django_db
def test_the_case_clocks_page_is_forbidden_to_quac(expedited, quac_member):
    url = reverse("timelines:case_clocks", kwargs={"case_id": expedited.pk})
    assert client_for(quac_member).get(url).status_code == 403


@pytest.mark.django_db
def test_an_hour_clock_a_day_away_is_due_in_hours_not_next_business_day(expedited):
    (imro,) = [c for c in clocks_for_case(expedited) if c.clock.name == "imro_determination"]
    with time_machine.travel(imro.clock.due_at - timedelta(hours=23, minutes=59), tick=False):
        (item,) = [c for c in clocks_for_case(expedited) if c.clock.name == "imro_determination"]
    assert (item.time_left, item.badge_text) == ("23 h 59 min left", "Due in 23 h")
    with time_machine.travel(imro.clock.due_at - timedelta(minutes=35), tick=False):
        (item,) = [c for c in clocks_for_case(expedited) if c.clock.name == "imro_determination"]
    assert item.badge_text == "Due in 35 min"
