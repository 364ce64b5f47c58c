"""The case page reads the case's history once (issue 20): the reviewer panel's portal
activity and the audited-date changes come from it, and a case whose history is longer
than the page shows reads them on their own, so nothing is lost either way."""

import re
from datetime import timedelta

import pytest

from cases.events import case_events_bulk_add
from cases.models import CaseEvent
from cases.selectors.page import HISTORY_SHOWN
from cases.services import received_at_plan_change
from reviewers import services
from reviewers.selectors import reviewer_panel_for_case
from tests.reviewers.conftest import asked_reminded_and_downloaded, make_case, submitted
from tests.support.personas import client_for


def _panel_kinds(html: str) -> list[str]:
    section = html[html.index('id="reviewer"') : html.index('id="reviewer"') + 200_000]
    section = section[: section.index("</section>")]
    return re.findall(r'<tr data-kind="([a-z_]+)">', section)


def _worked_case(coordinator, cmo, reviewer, specialist, frozen_now):
    case = submitted(make_case(owner=coordinator), specialist, coordinator)
    asked_reminded_and_downloaded(
        case, coordinator=coordinator, reviewer=reviewer, frozen_now=frozen_now
    )
    received_at_plan_change(
        case=case,
        new_value=case.received_at_plan - timedelta(hours=2),
        actor=cmo,
        reason="The fax log shows an earlier receipt.",
    )
    case.refresh_from_db()
    return case


def _notes(case, coordinator, count: int) -> None:
    """Notes newer than everything else: the history shown holds only notes then, and
    the portal events and the audited change are all further back."""
    latest = CaseEvent.objects.filter(case=case).order_by("-at").first().at
    case_events_bulk_add(
        [
            CaseEvent(
                case=case,
                at=latest + timedelta(minutes=1 + n),
                actor=coordinator,
                actor_name="Casey Coordinator",
                kind="note",
                summary="Note.",
            )
            for n in range(count)
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("longer_than_shown", [False, True])
def test_the_panel_and_audited_dates_are_the_same_from_the_page_history(
    longer_than_shown, coordinator, cmo, reviewer, specialist_a, frozen_now
):
    case = _worked_case(coordinator, cmo, reviewer, specialist_a, frozen_now)
    if longer_than_shown:
        _notes(case, coordinator, HISTORY_SHOWN)
    # Read on its own, without the page's history.
    expected = [item.kind for item in reviewer_panel_for_case(case).timeline]
    assert expected == [
        "reviewer_assigned",
        "conflict_attested",
        "case_submitted",
        "contact",
        "information_requested",
        "packet_downloaded",
    ]

    html = client_for(coordinator).get(f"/cases/{case.pk}/").content.decode()

    assert _panel_kinds(html) == expected
    assert "Audited date changes" in html
    assert "The fax log shows an earlier receipt." in html
    shown = html.count('<li><span class="history-meta">')
    assert shown == (HISTORY_SHOWN if longer_than_shown else 10)
    assert ("Receipt at the plan changed." in html) is not longer_than_shown


@pytest.mark.django_db
def test_a_case_with_no_audited_change_shows_none(coordinator, specialist_a):
    case = submitted(make_case(owner=coordinator), specialist_a, coordinator)
    html = client_for(coordinator).get(f"/cases/{case.pk}/").content.decode()
    assert "Audited date changes" not in html
    assert _panel_kinds(html) == ["reviewer_assigned", "conflict_attested", "case_submitted"]
    assert "Not yet attested" not in html and "No conflict" in html


@pytest.mark.django_db
def test_a_reviewer_assigned_but_not_yet_attested_shows_so(coordinator, specialist_a):
    case = make_case(owner=coordinator)
    services.assignment_create(case=case, specialist=specialist_a, actor=coordinator)
    response = client_for(coordinator).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not yet attested" in html
    assert "conflict-of-interest attestation" in html  # the next step named in the header
