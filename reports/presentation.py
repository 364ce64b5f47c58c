"""How report values read on the page and in the PDF, and how they travel as JSON."""

from dataclasses import dataclass
from decimal import Decimal

from reports.tables import NOT_AVAILABLE, NotAvailable, QuacReport, Table

NO_DATA = "—"


def format_cell(value: object, kind: str) -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, NotAvailable):
        return str(value)
    if isinstance(value, Decimal):
        return f"${value:,.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}%" if kind == "share" else f"{value:,.1f}"
    return str(value)


def json_cell(value: object) -> object:
    """Numbers stay numbers; money is a string with two decimals (exact); a figure the
    database cannot compute is null (the report's percentiles_available says why)."""
    if value is NOT_AVAILABLE:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@dataclass(frozen=True)
class DisplayCell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class DisplayTable:
    table: Table
    rows: list[list[DisplayCell]]


def display_table(table: Table) -> DisplayTable:
    return DisplayTable(
        table=table,
        rows=[
            [
                DisplayCell(
                    format_cell(value, column.kind),
                    numeric=isinstance(value, int | float | Decimal) and column.kind != "text",
                )
                for value, column in zip(row, table.columns, strict=True)
            ]
            for row in table.rows
        ],
    )


def display_sections(report: QuacReport) -> list[tuple[str, list[DisplayTable]]]:
    """The report's sections with formatted cells."""
    return [
        (section.title, [display_table(table) for table in section.tables])
        for section in report.sections
    ]
