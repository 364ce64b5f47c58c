"""python manage.py quac_report: files for a meeting packet, recorded as runs."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports.models import ReportRun
from tests.reports.conftest import assert_no_phi

# Ordered with the other database tests, before transactional ones flush the roles.
pytestmark = pytest.mark.django_db


def test_it_writes_the_csv_zip_and_records_the_run(report_data, tmp_path):
    output = tmp_path / "quac.zip"
    out = io.StringIO()
    call_command(
        "quac_report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "csv",
        "--output",
        str(output),
        stdout=out,
    )
    assert "6 cases" in out.getvalue()
    with zipfile.ZipFile(output) as archive:
        summary = archive.read("summary.csv").decode("utf-8-sig")
        assert "Cases submitted (IMRO receipt in range),6" in summary
        assert_no_phi("".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist()))
    run = ReportRun.objects.get()
    assert (run.pulled_by, run.source, run.format, run.cases) == (None, "command", "csv", 6)
    assert run.pulled_by_label == "quac_report command"


def test_it_writes_the_pdf(report_data, tmp_path):
    output = tmp_path / "quac.pdf"
    call_command(
        "quac_report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "pdf",
        "--output",
        str(output),
        "--review-type",
        "standard",
        stdout=io.StringIO(),
    )
    text = "\n".join(p.extract_text() for p in PdfReader(output).pages)
    assert "Review type: Standard" in text
    assert_no_phi(text)
    assert ReportRun.objects.get().filters["review_type"] == "standard"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-03-31"], "is not a date"),
        (["--from", "2026-03-01", "--to", "2026-01-31"], "before its start"),
    ],
)
def test_it_refuses_bad_dates(db, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("quac_report", *args, "--format", "csv", "--output", str(tmp_path / "x.zip"))
    assert not ReportRun.objects.exists()
