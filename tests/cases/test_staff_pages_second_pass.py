"""Issue 19's small findings on staff pages: the determination form starts on the
outcome that follows the reviewer, the CMO's to-do sections have accessible names, and
the print-and-mail queue's last column has a header."""

import re

import pytest
from django.urls import reverse

from tests.support.cases import case_at, frozen
from tests.support.files import use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _selected_outcome(html: str) -> str:
    select = re.search(r'<select id="det-outcome" name="outcome">(.*?)</select>', html, re.S)
    assert select, "no determination form"
    chosen = re.findall(r'<option value="(\w+)" selected>', select.group(1))
    assert len(chosen) == 1, chosen
    return chosen[0]


@pytest.mark.parametrize(
    ("recommendation", "outcome"),
    [("uphold", "deny"), ("overturn", "approve"), ("modify", "modify")],
)
def test_the_determination_form_starts_on_the_reviewers_recommendation(
    coordinator, cmo, recommendation, outcome
):
    with frozen():
        case = case_at(
            "review_received", owner=coordinator, decider=cmo, recommendation=recommendation
        )
        html = client_for(cmo).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert _selected_outcome(html) == outcome
    assert re.search(r'id="det-follows" name="follows_imro" checked', html)


def test_the_cmo_to_do_sections_are_named_by_their_headings(cmo):
    html = client_for(cmo).get(reverse("cases:cmo")).content.decode()
    sections = re.findall(r'<section class="card" aria-labelledby="([\w-]+)">', html)
    assert len(sections) == 3
    for label in sections:
        assert f'id="{label}"' in html


def test_every_column_of_the_print_and_mail_queue_has_a_header(coordinator):
    html = client_for(coordinator).get(reverse("cases_decision:mail_queue")).content.decode()
    headers = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert headers and all(h.strip() for h in headers), headers
