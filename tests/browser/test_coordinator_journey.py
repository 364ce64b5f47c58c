"""UM coordinator: opens a case from a TAR, uploads documents, completes the checklist."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.conftest import assert_accessible, sign_in, snap
from tests.support.files import pdf_bytes

# serialized_rollback restores the rows data migrations seed (roles, holidays, specialties).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_login_page_is_accessible(page):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    snap(page, "login")


def test_coordinator_opens_a_case_and_completes_the_checklist(page, coordinator, tmp_path):
    sign_in(page, "coordinator")
    page.get_by_role("link", name="New case").first.click()
    expect(page.get_by_role("heading", name="Open a case from a TAR")).to_be_visible()
    assert_accessible(page)
    snap(page, "intake")
    # The expedited fields show only while "Expedited" is chosen (CSS, no script).
    determined_by = page.get_by_label("Expedited criterion determined by")
    expect(determined_by).to_be_hidden()
    page.get_by_label("Review type").select_option("expedited")
    expect(determined_by).to_be_visible()
    page.get_by_label("Review type").select_option("standard")
    expect(determined_by).to_be_hidden()

    page.get_by_label("First name").fill("Browsertest")
    page.get_by_label("Last name").fill("Syntheticperson")
    page.get_by_label("CIN").fill("90000009X")
    page.get_by_label("Date of birth").fill("1975-04-05")
    page.get_by_label("Address", exact=True).fill("9 Fake Ave")
    page.get_by_label("City").fill("Testville")
    page.get_by_label("Postal code").fill("95401")
    page.get_by_label("Treating practitioner").fill("Dr. Browser Fake")
    page.get_by_label("TAR number").fill("TAR-BROWSER-1")
    page.get_by_label("Specialty", exact=True).fill("Dermatology")
    page.get_by_label("Received at the plan").fill("2026-06-01T09:00")
    page.get_by_label("(2) Experimental or investigational request").check()
    page.get_by_label("(b) Requested services").fill("0394T Image-guided brachytherapy of the skin")
    page.get_by_label("(c) Diagnoses (ICD-10-CM)").fill("C44.9")
    # The type-ahead offers billable codes with descriptions.
    expect(page.locator("#icd10-suggestions option").first).to_have_attribute(
        "label", re.compile(r"^C44\.9\d+ "), timeout=30_000
    )
    page.get_by_label("(c) Diagnoses (ICD-10-CM)").fill("C44.91")
    page.get_by_label("(d) Information relevant to the service requested").fill("Lesion summary.")
    page.get_by_label("(e) Information submitted by the practitioner").fill("Necessity letter.")
    page.get_by_label("(f) Pertinent medical history").fill("Prior excisions.")
    page.get_by_label("(h) Date response needed").fill("2026-06-15")
    page.get_by_label("(i) Questions for the reviewer").fill("Is it more beneficial than excision?")
    page.get_by_role("button", name="Open case").click()

    expect(page.get_by_text("Case opened for TAR TAR-BROWSER-1.")).to_be_visible()
    expect(page.get_by_text("8 of 9 present")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile(r"\(g\) Treatment or clinical data"))
    ).to_contain_text("Missing")

    note = tmp_path / "clinical-note.pdf"
    note.write_bytes(pdf_bytes(["Synthetic clinical data page 1", "Synthetic page 2"]))
    page.get_by_label("What it is for").select_option("clinical_data")
    page.get_by_label("File", exact=True).set_input_files(str(note))
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_text("9 of 9 present")).to_be_visible()
    expect(page.get_by_role("link", name="Clinical data 1")).to_be_visible()
    assert_accessible(page)
    snap(page, "case-page")
    case = Case.objects.get(tar_number="TAR-BROWSER-1")
    assert case.documents.count() == 1
