"""One IMR case end to end in the browser, each role doing its part (issue 9).

UM coordinator → CMO approves → coordinator assigns → reviewer attests in the portal →
coordinator submits → reviewer asks, coordinator answers → reviewer uploads the
determination → CMO records and signs → coordinator sends letters → CMO resolves →
coordinator confirms the TAR attachment and closes → QUAC pulls the report.
Each step asserts what the user sees; axe checks the main pages.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cases.models import Case, Status
from reviewers.demo import demo_registry_seed
from reviewers.models import Specialist
from tests.browser.conftest import LETTER_SEND_WAIT, assert_accessible, sign_in, snap
from tests.support.cases import open_case
from tests.support.factories import MEMBER_CIN, MEMBER_FIRST, MEMBER_LAST
from tests.support.files import pdf_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def contexts():
    """Every browser context a test opens is closed with it: an open page keeps polling
    the live server (the queue refreshes itself) after the test's database is emptied."""
    opened = []
    yield opened
    for context in opened:
        context.close()


def _as(browser: Browser, live_server, username: str, contexts: list) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, username)
    return page


def _no_phi(page: Page) -> None:
    text = page.content()
    for secret in (MEMBER_FIRST, MEMBER_LAST, MEMBER_CIN):
        assert secret not in text, f"{secret!r} shown on {page.url}"


def test_a_case_from_intake_to_closed_and_into_the_report(
    browser, live_server, contexts, coordinator, cmo, reviewer, quac_member, tmp_path
):
    demo_registry_seed()
    Specialist.objects.filter(name="Dr. Ada Example (demo)").update(user=reviewer)
    case = open_case(
        coordinator,
        specialty="Cardiology",
        tar_number="TAR-JOURNEY",
        received_at_plan=timezone.now() - timedelta(days=1),
        response_needed_by=timezone.localdate() + timedelta(days=20),
    )
    case.treating_practitioner.email = "practitioner@example.invalid"
    case.treating_practitioner.save()
    case_url = f"/cases/{case.pk}/"

    # The CMO approves the referral (R-REF-4) from their to-do list.
    chief = _as(browser, live_server, "cmo", contexts)
    chief.get_by_role("link", name="Awaiting me").click()
    chief.get_by_role("link", name=re.compile("TAR-JOURNEY")).first.click()
    chief.get_by_role("button", name="Approve referral to IMR").click()
    expect(chief.get_by_text("Referral to IMR approved.")).to_be_visible()

    # The coordinator assigns the suggested reviewer.
    staff = _as(browser, live_server, "coordinator", contexts)
    expect(staff.get_by_role("heading", name="Work queue")).to_be_visible()
    assert_accessible(staff)
    snap(staff, "work-queue")
    staff.goto(case_url)
    chooser = staff.get_by_label("Reviewer", exact=True)
    chooser.select_option(chooser.locator("option", has_text="Ada Example").get_attribute("value"))
    staff.get_by_role("button", name="Assign reviewer").click()
    expect(staff.get_by_text(re.compile("Dr. Ada Example \\(demo\\)")).first).to_be_visible()

    # The reviewer attests in the portal: no conflicts.
    portal = _as(browser, live_server, "reviewer", contexts)
    expect(portal.get_by_role("heading", name="Reviewer portal")).to_be_visible()
    portal.get_by_role("link", name=f"Case {case.pk}").click()
    for group in portal.locator("fieldset").all():
        group.get_by_label("No").check()
    portal.get_by_role("button", name="Sign attestation").click()
    _no_phi(portal)

    # The coordinator submits; the IMRO clock starts.
    staff.goto(case_url)
    staff.get_by_role("button", name="Submit to reviewer").click()
    expect(staff.locator("h1")).to_contain_text("Submitted to reviewer")
    assert_accessible(staff)
    snap(staff, "case-page-submitted")

    # The reviewer reads the de-identified file and asks a question.
    portal.goto(f"/portal/cases/{case.pk}/")
    expect(portal.get_by_text(case.member.internal_id).first).to_be_visible()
    _no_phi(portal)
    assert_accessible(portal)
    snap(portal, "portal-case")
    portal.get_by_label("Ask for information").fill("Please send the latest ECG report.")
    portal.get_by_role("button", name="Send question").click()
    expect(portal.get_by_text("Please send the latest ECG report.")).to_be_visible()

    # The coordinator answers it from the case page.
    staff.goto(case_url)
    staff.get_by_label(re.compile("^Answer")).fill("The ECG is in the packet as Clinical data 1.")
    staff.get_by_role("button", name="Send answer").click()

    # The reviewer sees the answer and uploads the written determination.
    portal.goto(f"/portal/cases/{case.pk}/")
    expect(portal.get_by_text("The ECG is in the packet as Clinical data 1.")).to_be_visible()
    determination = tmp_path / "determination.pdf"
    determination.write_bytes(pdf_bytes(["Written determination: uphold the denial."]))
    portal.get_by_label("Written determination", exact=True).set_input_files(str(determination))
    portal.get_by_label("Recommendation").select_option("uphold")
    portal.get_by_label("Rationale").fill("Standard therapy remains appropriate.")
    portal.get_by_label("Documents reviewed").fill("The referral packet.")
    portal.get_by_label(re.compile("qualifications")).fill(
        "Board-certified cardiologist in active practice for 15 years."
    )
    portal.get_by_role("button", name="Upload determination").click()
    _no_phi(portal)

    # The CMO sees the review with the clock met, records and signs the determination.
    chief.goto(case_url)
    expect(chief.locator("h1")).to_contain_text("Review received")
    clocks = chief.locator("section", has=chief.get_by_role("heading", name="Deadlines"))
    expect(clocks.get_by_text("Met").first).to_be_visible()
    chief.get_by_label("Outcome").first.select_option("deny")
    chief.get_by_label(re.compile("^Rationale, in plain language")).fill(
        "The reviewer found that the standard treatment is still the right one for you."
    )
    chief.get_by_label("Follows the reviewer's recommendation").first.check()
    chief.get_by_role("button", name="Record determination").click()
    chief.get_by_role("button", name=re.compile("^Sign the determination")).click()
    expect(chief.locator("h1")).to_contain_text("Determination signed")

    # The coordinator confirms the letter texts (the analysis starts from the written
    # review), then sends both letters and marks the member's as mailed.
    staff.goto(case_url)
    staff.get_by_role("button", name="Save and confirm the letter texts").click()
    expect(staff.get_by_text("The letter texts are saved and confirmed.")).to_be_visible()
    member_row = staff.get_by_role("row", name=re.compile("^Member"))
    preview_url = member_row.get_by_role("link", name="Preview").get_attribute("href")
    preview = staff.context.request.get(preview_url)
    assert preview.ok and preview.body().startswith(b"%PDF")
    member_row.get_by_role("button", name="Send").click()
    expect(member_row).to_contain_text("Print-and-mail queue, sent", timeout=LETTER_SEND_WAIT)
    practitioner_row = staff.get_by_role("row", name=re.compile("^Treating practitioner"))
    practitioner_row.get_by_label("Channel").select_option("email")
    practitioner_row.get_by_role("button", name="Send").click()
    expect(practitioner_row).to_contain_text(
        "E-mail with a secure download link", timeout=LETTER_SEND_WAIT
    )
    member_row.get_by_role("button", name="Mark as mailed").click()
    expect(staff.locator("h1")).to_contain_text("Parties notified")

    # The CMO marks the case resolved.
    chief.goto(case_url)
    chief.get_by_role("button", name="Mark resolved").click()
    expect(chief.locator("h1")).to_contain_text("Resolved")

    # The coordinator attaches the bundle to the TAR file, then closes the case.
    staff.goto(case_url)
    staff.get_by_role("button", name=re.compile("^Build the TAR bundle")).click()
    staff.get_by_label("TAR number of the file it is attached to").fill("TAR-JOURNEY")
    staff.get_by_role("button", name="Confirm the attachment").click()
    staff.get_by_role("button", name="Close the case").click()
    expect(staff.locator("h1")).to_contain_text("Closed")
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED

    # QUAC pulls the report: de-identified, with charts.
    committee = _as(browser, live_server, "quac", contexts)
    expect(committee.get_by_role("heading", name="QUAC reports")).to_be_visible()
    committee.get_by_role("button", name="Show report").click()
    expect(committee.locator("svg").first).to_be_visible()
    _no_phi(committee)
    assert_accessible(committee)
    snap(committee, "reports")
    with committee.expect_download() as download:
        committee.get_by_role("link", name="Download CSV (zip)").click()
    assert download.value.suggested_filename.endswith(".zip")
