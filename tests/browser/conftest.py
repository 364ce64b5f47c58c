"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Screenshots land in test-artifacts/screenshots/: always for a failed test, and for
every page a journey names with `snap()` when IMR_SCREENSHOTS=1.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

from tests.support.personas import PASSWORD

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    make for their set-up are still synchronous and safe. Scoped to a browser module so
    the variable never leaks into other tests' subprocesses."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
    context.close()


def snap(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot of a main page when IMR_SCREENSHOTS=1 (on demand), into
    IMR_SCREENSHOTS_DIR when set (bin/screenshots: docs/screenshots/)."""
    if os.environ.get("IMR_SCREENSHOTS") == "1":
        folder = Path(os.environ.get("IMR_SCREENSHOTS_DIR") or ARTIFACTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


_AXE = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core (shipped inside axe-playwright-python, no CDN) finds no violation of any
    impact, minor included, and the page writes dates one way (issue 19)."""
    results = _AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert not bad, f"axe found on {page.url}:\n" + "\n".join(bad)
    assert_one_date_format(page)


# Sending a letter renders it with its inserts into one PDF and runs the pre-send
# checks (reading grade included) before the page reloads: a few seconds on a loaded
# 2-core machine, more than expect()'s default five.
LETTER_SEND_WAIT = 30_000


# The one date format of the pages (imr/dates.py): "Fri 2026-12-04 23:59 PST", a day
# "2026-12-04". Anything else that looks like a date is a second format.
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?"
_DAY = r"\d{4}-\d{2}-\d{2}"
ONE_FORMAT = re.compile(rf"^{_WEEKDAY}{_DAY}(?: \d{{2}}:\d{{2}}(?::\d{{2}})? [A-Z]{{2,5}})?$")
DATE_LIKE = re.compile(
    rf"{_WEEKDAY}{_DAY}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?(?:[+-]\d{{2}}:\d{{2}}| [A-Z]{{2,5}})?)?"
)
OTHER_FORMATS = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}"
    r"|\b[ap]\.m\.|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
)


def assert_one_date_format(page: Page) -> None:
    """Every date on the page (its visible text) is written the one way."""
    text = page.locator("body").inner_text()
    odd = [m.group(0) for m in DATE_LIKE.finditer(text) if not ONE_FORMAT.match(m.group(0))]
    odd += [m.group(0) for m in OTHER_FORMATS.finditer(text)]
    assert not odd, f"dates in another format on {page.url}: {odd[:5]}"
