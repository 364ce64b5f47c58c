"""The staff pages at a laptop's widths (issue 19), 1024 and 1366 px: the queue keeps each
identifier and date on one line and says how late an overdue case is; the CMO's to-do
list shows each determination to sign with its act-by time; the case page's
header with every running clock is in view without scrolling and stays there; the
portal shows each case's due time; every page writes dates one way; axe-core finds no
violation of any impact. One test per width walks the five pages, to keep this lean.

`bin/screenshots` runs this module with IMR_SCREENSHOTS=1 to refresh the README's
pictures (docs/screenshots/).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    assert_accessible,
    sign_in,
    sign_out,
    snap,
)
from tests.support.cases import case_at, open_case
from tests.support.factories import SpecialistFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (1024, 1366)
HEIGHT = 768  # the common laptop height; the case header must fit well inside it


def _one_line(page: Page, selector: str) -> None:
    """Each element matched renders on one line: no taller than its own line height."""
    boxes = page.eval_on_selector_all(
        selector,
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            const lh = parseFloat(getComputedStyle(e).lineHeight) || 24;
            return {text: e.textContent.trim(), height: r.height, line: lh};
        })""",
    )
    assert boxes, f"nothing matches {selector}"
    wrapped = [b["text"] for b in boxes if b["height"] > b["line"] * 1.4]
    assert not wrapped, f"wrapped on two lines: {wrapped[:5]}"


def _in_view(page: Page, selector: str) -> None:
    for box in page.eval_on_selector_all(
        selector, "els => els.map(e => e.getBoundingClientRect().toJSON())"
    ):
        assert box["top"] >= 0 and box["bottom"] <= page.viewport_size["height"], box


def _picture(page: Page, name: str, width: int) -> None:
    """The README's pictures are taken at 1366 px (bin/screenshots)."""
    if width == 1366:
        snap(page, name, full_page=False)


@pytest.fixture
def cases(coordinator, cmo, reviewer):
    """An overdue case (received 40 days ago), one in assembly, one with the reviewer."""
    late = open_case(
        coordinator,
        tar_number="TAR-LATE-0001",
        received_at_plan=timezone.now() - timedelta(days=40),
    )
    specialist = SpecialistFactory(user=reviewer, specialty_name="Dermatology")
    submitted = case_at(
        "submitted", owner=coordinator, decider=cmo, specialist=specialist, tar_number="TAR-SUB-2"
    )
    assembling = case_at("assembling", owner=coordinator, decider=cmo, tar_number="TAR-ASM-3")
    reviewed = case_at(
        "review_received",
        owner=coordinator,
        decider=cmo,
        specialist=specialist,
        tar_number="TAR-REV-4",
    )
    return {"late": late, "submitted": submitted, "assembling": assembling, "reviewed": reviewed}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_staff_pages_read_at_a_laptops_width(browser, live_server, cases, quac_member, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": HEIGHT}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, "coordinator")
        # The work queue: one line per identifier and date; an overdue row says how late.
        expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
        _one_line(page, "table.queue .ident, table.queue time")
        expect(page.locator("table.queue .late").first).to_have_text(
            re.compile(r"^\d+ (min|h|d) late$")
        )
        filters = page.locator("form.filter-bar").bounding_box()
        assert filters["height"] < 140, f"the filter bar takes {filters['height']} px"
        # The whole table fits the window: no sideways scrolling to reach the owner.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"the queue is {scroll_width} px wide at {width} px"
        assert_accessible(page)
        _picture(page, "queue", width)

        # The case page: the header with every running clock in view, and kept in view.
        page.goto(f"/cases/{cases['submitted'].pk}/")
        head = page.locator(".case-head")
        expect(head).to_contain_text("Submitted")
        assert page.locator(".clock-strip tbody tr").count() >= 1
        _in_view(page, ".case-head, .clock-strip tbody tr")
        # A section far down is one click away, and the header stays in view over it.
        page.get_by_role("link", name="Deadlines", exact=True).click()
        assert page.evaluate("window.scrollY") > 1000
        _in_view(page, ".case-head")
        deadlines = page.locator("#deadlines").bounding_box()
        assert deadlines["y"] >= head.bounding_box()["height"] - 1, "hidden under the header"
        expect(page.locator("svg.timeline")).to_be_visible()
        assert_accessible(page)
        page.evaluate("window.scrollTo(0, 0)")
        _picture(page, "case", width)
        sign_out(page)

        # The reviewer portal: each case with its due time.
        sign_in(page, "reviewer")
        expect(page.get_by_role("columnheader", name="Your determination is due")).to_be_visible()
        expect(page.locator("table time").first).to_have_text(
            re.compile(r"^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z]+$")
        )
        assert_accessible(page)
        _picture(page, "portal", width)
        sign_out(page)

        # The QUAC report, on its default range (which ends today).
        sign_in(page, "quac")
        page.get_by_role("button", name="Show report").click()
        expect(page.locator("main svg").first).to_be_visible()
        assert_accessible(page)
        # The picture shows the charts, below the form and the summary figures.
        page.locator("main svg").first.evaluate(
            "s => (s.closest('figure, section') || s).scrollIntoView({block: 'start'})"
        )
        _picture(page, "report", width)
        sign_out(page)

        # The CMO's to-do list: the determination to sign with its act-by time (R-RPT-6).
        sign_in(page, "cmo")
        page.goto("/cases/cmo/")
        signatures = page.locator(
            "section", has=page.get_by_role("heading", name="Determinations to sign")
        )
        expect(signatures.get_by_role("columnheader", name="Act by")).to_be_visible()
        expect(signatures.locator("tbody tr").first).to_contain_text("TAR-REV-4")
        expect(signatures.locator("td.when time").first).to_have_text(
            re.compile(r"^(\w{3} \d{2}:\d{2}|\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z]+)$")
        )
        _one_line(page, "main table time")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"the to-do list is {scroll_width} px wide at {width} px"
        assert_accessible(page)
        if width == 1366:
            snap(page, "cmo_todo")
    finally:
        context.close()
