"""CSV (zip) and PDF downloads: the same figures as the page, and no PHI."""

import csv
import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from reports.exports import report_csv_zip
from reports.models import ReportRun
from reports.params import ReportParams
from reports.selectors import quac_report
from tests.reports.conftest import RANGE, assert_no_phi, local
from tests.support.personas import client_for

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(local(2026, 4, 15, 12), tick=False):
        yield


def read_zip(body: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


def test_csv_download_is_a_zip_with_one_csv_per_table(quac_member, report_data):
    response = client_for(quac_member).get(reverse("reports:csv"), RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="quac-report-20260101-20260331.zip"' in response["Content-Disposition"]
    files = read_zip(response.content)
    assert {
        "parameters.csv",
        "summary.csv",
        "volume_by_imro.csv",
        "missed_clocks.csv",
        "timeliness_by_clock.csv",
        "agreement.csv",
        "cost_by_imro.csv",
        "by_month.csv",
    } <= set(files)
    summary = {row[0]: row[1] for row in files["summary.csv"][1:]}
    assert summary["Turnaround, median (hours)"] == "30.0"
    assert summary["Turnaround, 90th percentile (hours)"] == "80.0"
    assert summary["CMO decision agrees with the IMRO (%)"] == "75.0"
    assert summary["Cost to the plan, total"] == "3000.00"
    missed_ids = {row[0] for row in files["missed_clocks.csv"][1:]}
    assert report_data.cases["c4"].member.internal_id in missed_ids
    everything = "\n".join(",".join(row) for rows in files.values() for row in rows)
    assert_no_phi(everything)
    run = ReportRun.objects.get()
    assert (run.format, run.source, run.pulled_by) == ("csv", "web", quac_member)


def test_csv_cells_cannot_become_spreadsheet_formulas(report_data):
    case = report_data.cases["c6"]
    case.specialty = '=HYPERLINK("http://x.invalid","click")'
    case.save(update_fields=["specialty"])
    # No service changes the specialty of a submitted case, so the summary table is not
    # refreshed by this write: the report is computed from the facts.
    report = quac_report(
        ReportParams(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)), use_summary=False
    )
    rows = read_zip(report_csv_zip(report))["volume_by_specialty.csv"]
    cells = [row[0] for row in rows]
    assert '\'=HYPERLINK("http://x.invalid","click")' in cells
    assert not any(cell.startswith("=") for cell in cells)


def test_pdf_download_has_the_figures_and_charts_and_no_phi(quac_member, report_data):
    response = client_for(quac_member).get(reverse("reports:pdf"), RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "QUAC report" in text
    assert "Acme Review" in text
    assert "$3,000.00" in text
    assert report_data.cases["c4"].member.internal_id in text
    # The charts' text labels are in the PDF (vector SVG, not an image).
    assert "Regulatory clocks met" in text
    assert "Feb 2026" in text
    assert_no_phi(text)
    assert ReportRun.objects.get().format == "pdf"
    # One typeface throughout, the page-number footer included (issue 19: it was serif).
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(name.startswith("DejaVu-Sans") for name in fonts), fonts


def test_a_download_with_a_bad_range_is_refused(quac_member):
    response = client_for(quac_member).get(reverse("reports:csv"), {"date_from": "x"})
    assert response.status_code == 400
    assert not ReportRun.objects.exists()
