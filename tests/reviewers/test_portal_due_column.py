"""The reviewer portal's list shows each case's due time and flags overdue and due
today (issue 19): the reviewer's own IMRO clock, from a case submitted through the
services."""

from datetime import datetime

import pytest
import time_machine

from tests.support.cases import PLAN, case_at
from tests.support.factories import SpecialistFactory
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


def _row(html: str, case_id: int) -> str:
    start = html.index(f"Case {case_id}</a>")
    return html[start : html.index("</tr>", start)]


def test_the_portal_list_shows_the_due_time_and_flags_it(coordinator, cmo, reviewer):
    specialist = SpecialistFactory(user=reviewer)
    case = case_at(
        "submitted", owner=coordinator, decider=cmo, specialist=specialist, delivery="portal"
    )
    # Submitted Tue 2026-06-02 10:00: five business days, due Tue 06-09 at the day's end.
    with time_machine.travel(datetime(2026, 6, 5, 10, 0, tzinfo=PLAN), tick=False):
        row = _row(client_for(reviewer).get("/portal/").content.decode(), case.pk)
    assert "Tue 2026-06-09 23:59 PDT" in row
    assert "Overdue" not in row and "Due today" not in row
    with time_machine.travel(datetime(2026, 6, 9, 10, 0, tzinfo=PLAN), tick=False):
        row = _row(client_for(reviewer).get("/portal/").content.decode(), case.pk)
    assert "Due today" in row
    with time_machine.travel(datetime(2026, 6, 10, 8, 0, tzinfo=PLAN), tick=False):
        row = _row(client_for(reviewer).get("/portal/").content.decode(), case.pk)
    assert "Overdue" in row
