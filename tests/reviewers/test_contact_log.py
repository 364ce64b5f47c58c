"""The contact log and portal events in the case history and the panel (R-TRK-2)."""

import pytest

from cases.models import CaseEvent
from imr.errors import Refused
from reviewers import services
from reviewers.models import ContactLogEntry
from reviewers.selectors import reviewer_panel_for_case
from tests.reviewers.conftest import asked_reminded_and_downloaded, local, make_case, submitted
from tests.support.personas import client_for


@pytest.mark.django_db
def test_a_contact_is_logged_with_a_case_event(coordinator, specialist_a):
    case = submitted(make_case(owner=coordinator), specialist_a, coordinator)

    response = client_for(coordinator).post(
        f"/portal/staff/cases/{case.pk}/contacts/",
        {
            "at": "2026-03-02T09:30",
            "channel": "phone",
            "with_whom": "IMRO intake desk",
            "summary": "Confirmed they have the file.",
        },
    )

    assert response.status_code == 302
    entry = ContactLogEntry.objects.get(case=case)
    assert (entry.at, entry.by, entry.channel) == (local(2026, 3, 2, 9, 30), coordinator, "phone")
    event = CaseEvent.objects.get(case=case, kind="contact_logged")
    assert event.summary == "Contact logged: phone with IMRO intake desk."


@pytest.mark.django_db
def test_bad_contact_input_is_refused_naming_each_problem(coordinator):
    case = make_case(owner=coordinator)
    with pytest.raises(Refused) as refused:
        services.contact_log_add(
            case=case,
            actor=coordinator,
            at=local(2026, 3, 2, 9, 0),
            channel="pigeon",
            with_whom=" ",
            summary="",
        )
    assert len(refused.value.problems) == 3
    assert not ContactLogEntry.objects.exists()


@pytest.mark.django_db
def test_the_panel_shows_contacts_and_portal_events_in_order(
    coordinator, reviewer, specialist_a, frozen_now
):
    case = submitted(make_case(owner=coordinator), specialist_a, coordinator)
    asked_reminded_and_downloaded(
        case, coordinator=coordinator, reviewer=reviewer, frozen_now=frozen_now
    )

    timeline = reviewer_panel_for_case(case).timeline

    kinds = [item.kind for item in timeline]
    assert kinds == [
        "reviewer_assigned",
        "conflict_attested",
        "case_submitted",
        "contact",
        "information_requested",
        "packet_downloaded",
    ]
    page = client_for(coordinator).get(f"/portal/staff/cases/{case.pk}/").content.decode()
    assert page.index("Sent a reminder.") < page.index("The reviewer asked for information")
