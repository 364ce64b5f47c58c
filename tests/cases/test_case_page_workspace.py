"""The case page as a workspace (issue 19): a header with status, review type, the next
step and every running clock; the sections one click away; the timeline as an SVG; no
empty "Flags"; the reviewer's determination shown once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.support.cases import RECEIVED_AT_PLAN, Walk, approve, assign, case_at, frozen, open_case
from tests.support.files import use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _page(user, case) -> str:
    response = client_for(user).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _head(html: str) -> str:
    head = html.split('<div class="case-head"', 1)[1].split('<div class="case-layout">', 1)[0]
    return " ".join(head.split())


def test_the_header_holds_status_type_next_step_and_every_running_clock(coordinator, cmo):
    with frozen():
        case = approve(open_case(coordinator), cmo)
        html = _page(coordinator, case)
    head = _head(html)
    assert "Assembling file" in head and "Standard review" in head
    running = case.clocks.filter(status="running")
    assert running.count() >= 2
    for clock in running:
        assert f'data-clock="{clock.name}"' in head
    assert "left" in head  # time left of each clock
    for anchor in ("file", "documents", "reviewer", "deadlines", "timeline", "history"):
        assert f'href="#{anchor}"' in head and f'id="{anchor}"' in html


def test_the_next_step_names_the_first_open_gate_before_submit(coordinator, cmo):
    with frozen():
        case = approve(open_case(coordinator), cmo)
        before = _head(_page(coordinator, case))
        assign(case)
        after = _head(_page(coordinator, case))
    assert "Assign a reviewer</a>" in before and "Submit" not in before
    assert "Submit to the reviewer</a>" in after


def test_a_role_without_the_step_sees_whose_turn_it_is(coordinator, cmo):
    with frozen():
        case = open_case(coordinator)
        head = _head(_page(coordinator, case))
    assert "Approve referral: waiting for the CMO or a Physician Designee." in head


def test_a_standard_case_shows_no_empty_flags_and_no_expedited_criterion(coordinator):
    with frozen():
        html = _page(coordinator, open_case(coordinator, circumstances=[4]))
    assert "<dt>Flags</dt>" not in html
    assert "determined by" not in html


def test_the_timeline_is_an_accessible_svg_with_each_clock_marked(coordinator, cmo):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo)
        html = _page(coordinator, case)
    svg = re.search(r'<svg class="timeline".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    for step in ("Received at the plan", "Referral approved", "IMRO receipt"):
        assert step in svg
    assert "Reviewer&#x27;s determination" in svg and "Coverage determination signed" in svg
    assert 'class="tl-bar tl-met"' in svg and "✓" in svg
    assert "met at" in svg  # the description says it in words


def test_the_reviewers_determination_is_shown_once(coordinator, cmo):
    with frozen():
        html = _page(coordinator, case_at("review_received", owner=coordinator, decider=cmo))
    assert html.count("<dt>Documents reviewed</dt>") == 1
    assert html.count("<dt>Rationale</dt>") == 1
    assert 'href="#decision">Uphold' in html  # the reviewer panel points to it


def test_a_clock_stopped_after_its_due_time_is_marked_missed(coordinator, cmo):
    # The review arrives three weeks after the file: past the 5 business days.
    late = Walk(review_received=timedelta(days=22))
    with time_machine.travel(RECEIVED_AT_PLAN + timedelta(days=23), tick=False):
        case = case_at("review_received", owner=coordinator, decider=cmo, walk=late)
        html = _page(coordinator, case)
    svg = re.search(r'<svg class="timeline".*?</svg>', html, re.S).group(0)
    assert 'class="tl-bar tl-missed"' in svg and "✗" in svg
    assert "missed (stopped" in svg


def test_a_running_clock_past_due_is_drawn_late_to_now(coordinator, cmo):
    with time_machine.travel(RECEIVED_AT_PLAN + timedelta(days=40), tick=False):
        case = case_at("submitted", owner=coordinator, decider=cmo)
        html = _page(coordinator, case)
    svg = re.search(r'<svg class="timeline".*?</svg>', html, re.S).group(0)
    assert 'class="tl-late"' in svg and "running and overdue" in svg
