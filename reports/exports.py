"""The QUAC report as files for a meeting packet: a zip of CSVs, and a PDF with the charts.

Both render the same tables as the page (reports.tables), so a figure cannot differ
between the page and what is handed out. Nothing here reads the database.
"""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string

from imr.pdf import pdf_render
from reports.charts import timeliness_chart, volume_chart
from reports.presentation import display_sections, display_table, format_cell, json_cell
from reports.tables import QuacReport, Table

# Spreadsheet programs run a cell starting with one of these as a formula; free text
# typed by staff (a specialty, an IMRO's name) must not become one (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def report_filename(report: QuacReport, extension: str) -> str:
    params = report.params
    return f"quac-report-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}.{extension}"


def report_csv_zip(report: QuacReport) -> bytes:
    """A zip with parameters.csv and one CSV per table, named by the table's slug."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("parameters.csv", _csv(_parameter_rows(report)))
        for table in report.tables():
            archive.writestr(f"{table.slug}.csv", _csv(_table_rows(table)))
    return buffer.getvalue()


def report_pdf(report: QuacReport) -> bytes:
    """The report as a PDF (WeasyPrint), charts included as vector SVG."""
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "summary": display_table(report.summary),
            "sections": display_sections(report),
            "timeliness_chart": timeliness_chart(report.months, chart_id="pdf-timeliness"),
            "volume_chart": volume_chart(report.months, chart_id="pdf-volume"),
        },
    )
    return pdf_render(html)


def report_json(report: QuacReport) -> dict[str, object]:
    """The figures for the REST API: tables as lists of records keyed by column."""
    params = report.params
    return {
        "parameters": {
            "date_from": params.date_from.isoformat(),
            "date_to": params.date_to.isoformat(),
            "filters": {k: v for k, v in params.filters().items() if k != "label"},
            "description": params.describe(),
        },
        "generated_at": report.generated_at.isoformat(),
        "percentiles_available": report.percentiles_available,
        "cases": report.cases,
        "tables": {
            table.slug: {
                "title": table.title,
                "columns": [{"key": c.key, "label": c.label} for c in table.columns],
                "rows": [
                    {key: json_cell(value) for key, value in record.items()}
                    for record in table.records()
                ],
                "note": table.note,
            }
            for table in report.tables()
        },
    }


def _parameter_rows(report: QuacReport) -> list[list[str]]:
    params = report.params
    return [
        ["parameter", "value"],
        ["IMRO receipt from", params.date_from.isoformat()],
        ["IMRO receipt to (inclusive)", params.date_to.isoformat()],
        ["filters", "; ".join(params.filter_labels()) or "none"],
        ["generated at", report.generated_at.isoformat()],
        ["percentiles", "yes" if report.percentiles_available else "not available on SQLite"],
        ["de-identification", "cases by internal identifier only; no member or person names"],
    ]


def _table_rows(table: Table) -> list[list[str]]:
    rows = [[column.label for column in table.columns]]
    rows += [[_csv_value(value) for value in row] for row in table.rows]
    return rows


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal | date):
        return str(value)
    text = format_cell(value, "text")
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    # A BOM so Excel opens UTF-8 (en dashes, "↔") correctly.
    return "\ufeff" + out.getvalue()
