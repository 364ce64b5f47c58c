"""An expedited case in the browser: the CMO decides the extension on the case page, and
the practitioner downloads the notice from the secure link (issue 18, R-DL-5).

The steps before and between are taken through the services (tests/support); what a
person does here is done in a real browser: the CMO finds the extension in Awaiting me,
grants it on the case page and sees it recorded; the coordinator sends the letters; the
practitioner's office opens the e-mailed link, enters the NPI and downloads; every role's
case page still opens afterwards and names the office as the actor.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cases.services import oral_notice_record
from tests.browser.conftest import LETTER_SEND_WAIT, sign_in, snap
from tests.support.cases import Walk, case_at, receive_review, sign
from tests.support.factories import PRACTITIONER_NPI

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def contexts():
    opened = []
    yield opened
    for context in opened:
        context.close()


def _context(browser: Browser, live_server, contexts: list):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    contexts.append(context)
    return context


def _as(browser: Browser, live_server, username: str, contexts: list) -> Page:
    page = _context(browser, live_server, contexts).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, username)
    return page


def test_the_cmo_extends_on_the_case_page_and_the_practitioner_downloads(
    browser, live_server, contexts, coordinator, cmo
):
    # Received at the plan three hours ago, the file with the IMRO for two hours.
    walk = Walk(
        approved=timedelta(minutes=30),
        submitted=timedelta(hours=1),
        review_received=timedelta(hours=2, minutes=50),
    )
    case = case_at(
        "submitted",
        owner=coordinator,
        decider=cmo,
        walk=walk,
        tar_number="TAR-EXPEDITED",
        review_type="expedited",
        expedited_criterion="imminent_threat",
        expedited_determined_by="treating_physician",
        received_at_plan=timezone.now() - timedelta(hours=3),
    )
    case_url = f"/cases/{case.pk}/"

    # The CMO finds the decision in Awaiting me and takes it on the case page.
    chief = _as(browser, live_server, "cmo", contexts)
    chief.get_by_role("link", name="Awaiting me").click()
    card = chief.locator("[data-extension='open']").first
    expect(card).to_contain_text("Due if extended")
    expect(card).to_contain_text("72-hour cap")
    chief.goto(case_url)
    card = chief.locator("[data-extension='open']")
    expect(card).to_contain_text("Due now")
    snap(chief, "case-page-extension-offered")
    card.get_by_label(re.compile("^Reason")).fill(
        "The reviewer needs the cardiology consult notes."
    )
    card.get_by_role("button", name="Grant the 24-hour extension").click()
    expect(
        chief.get_by_text(re.compile("Extended once on .* no further extension"))
    ).to_be_visible()
    expect(chief.locator("[data-extension='open']")).to_have_count(0)
    snap(chief, "case-page-extension-granted")

    # The review arrives and the CMO signs (services); the coordinator sends the letters.
    sign(receive_review(case, walk=walk), cmo)
    staff = _as(browser, live_server, "coordinator", contexts)
    staff.goto(case_url)
    staff.get_by_role("button", name="Save and confirm the letter texts").click()
    expect(staff.get_by_text("The letter texts are saved and confirmed.")).to_be_visible()
    member_row = staff.get_by_role("row", name=re.compile("^Member"))
    member_row.get_by_role("button", name="Send").click()
    expect(member_row).to_contain_text("Print-and-mail queue, sent", timeout=LETTER_SEND_WAIT)
    practitioner_row = staff.get_by_role("row", name=re.compile("^Treating practitioner"))
    practitioner_row.get_by_label("Channel").select_option("email")
    practitioner_row.get_by_role("button", name="Send").click()
    expect(practitioner_row).to_contain_text(
        "E-mail with a secure download link", timeout=LETTER_SEND_WAIT
    )

    # The practitioner's office opens the e-mailed link, enters the NPI and downloads.
    (message,) = [m for m in mail.outbox if "/cases/letters/link/" in m.body]
    link = re.search(r"https?://\S+(/cases/letters/link/\S+/)", message.body).group(1)
    office = _context(browser, live_server, contexts).new_page()
    office.goto(link)
    expect(office.get_by_role("heading", name="Download a notice")).to_be_visible()
    office.get_by_label(re.compile("NPI|National Provider Identifier")).fill(PRACTITIONER_NPI)
    with office.expect_download() as download:
        office.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # Every role's case page still opens, naming the office as the actor.
    for page in (staff, chief):
        response = page.goto(case_url)
        assert response is not None and response.status == 200
        expect(page.get_by_text("Practitioner's office (secure link)").first).to_be_visible()
    member_row = staff.get_by_role("row", name=re.compile("^Member"))
    member_row.get_by_role("button", name="Mark as mailed").click()
    expect(staff.locator("h1")).to_contain_text("Parties notified")
    # The member was told by phone (R-NOT-12): without it the case is not resolved.
    oral_notice_record(
        case=case,
        actor=case.owner,
        given_at=timezone.now(),
        given_to="The member",
        method="phone",
    )
    chief.goto(case_url)
    chief.get_by_role("button", name="Mark resolved").click()
    expect(chief.locator("h1")).to_contain_text("Resolved")
