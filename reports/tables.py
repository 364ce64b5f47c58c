"""The QUAC report as named tables: one shape that the page, CSV, PDF and JSON all render.

Values are the figures as the database returned them, rounded for reading: counts are
ints, hours and business days floats with one decimal, shares percentages with one
decimal, money Decimals with two. None means "no data" (for example no review received
yet); NOT_AVAILABLE means the database cannot compute it (percentiles on SQLite).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from reports.params import ReportParams


class NotAvailable(Enum):
    NOT_AVAILABLE = "not available on SQLite"

    def __str__(self) -> str:
        return self.value


NOT_AVAILABLE = NotAvailable.NOT_AVAILABLE

Cell = str | int | float | Decimal | None | NotAvailable


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # How a page formats it: text, count, hours, days, share, money.
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    # Rows left out of this copy of the table (the page's cut of a long list).
    more: int = 0

    def records(self) -> list[dict[str, Cell]]:
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class MonthFigure:
    """One month of the charts: cases whose IMRO receipt fell in it, and their clocks."""

    month: str  # YYYY-MM
    label: str  # "Jan 2026"
    cases: int
    met: int
    missed: int

    @property
    def met_share(self) -> float | None:
        decided = self.met + self.missed
        return round(100 * self.met / decided, 1) if decided else None


@dataclass(frozen=True)
class QuacReport:
    params: ReportParams
    generated_at: datetime
    percentiles_available: bool
    cases: int
    summary: Table
    sections: tuple[Section, ...]
    months: tuple[MonthFigure, ...]

    def tables(self) -> list[Table]:
        """Every table in page order, the summary first (one CSV file each)."""
        return [self.summary, *(table for section in self.sections for table in section.tables)]
