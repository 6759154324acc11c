"""A fiscal year as the board's spreadsheet: an .xlsx workbook and a CSV, with the page's figures.

Both are written from `queries.year_overview`, the same figures the overview page shows, so the
totals cannot disagree. Amounts are written as numbers (not text), in the base currency.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from budget.queries import COLUMNS, DEFINITIONS, YearOverview, requests_of_year

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


# A CSV cell starting with one of these is a formula to a spreadsheet program (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean(cells: list) -> list:
    """Text cells without the control characters a workbook cannot hold."""
    return [
        ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in cells
    ]


def csv_cells(cells: list) -> list:
    """Amounts to the cent; text that a spreadsheet would run as a formula quoted as text."""
    return [
        f"{cell:.2f}"
        if isinstance(cell, Decimal)
        else f"'{cell}"
        if isinstance(cell, str) and cell.startswith(FORMULA_STARTS)
        else cell
        for cell in clean(cells)
    ]


class SheetWriter:
    """Writes rows by number: openpyxl's `append` and `max_row` rescan every cell written so far,
    so a workbook built with them slows down with the square of its rows."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.row = 0

    def add(self, cells: list) -> list:
        """Append a row whose text stays text: openpyxl would store '=…' as a formula."""
        self.row += 1
        written = []
        for column, value in enumerate(clean(cells), start=1):
            cell = self.sheet.cell(row=self.row, column=column, value=value)
            if cell.data_type == "f":
                cell.data_type = "s"
            written.append(cell)
        return written


OVERSPENT_FONT = Font(color="A4282B", bold=True)
OVERSPENT_FILL = PatternFill("solid", fgColor="FBE5E5")


def header_row(overview: YearOverview) -> list[str]:
    return (
        ["Category", "Line"] + [f"{label} ({overview.currency})" for _, label in COLUMNS] + ["Flag"]
    )


def overspent_flag(line) -> str:
    """The words a line that paid out more than was approved carries (the colour is extra)."""
    if line.overspent_by > 0:
        return f"Over-spent: {line.overspent_by:,.2f} more than approved"
    return ""


def overview_rows(overview: YearOverview) -> Iterator[tuple[str, list]]:
    """(kind, cells) for each line, category subtotal and the total: the spreadsheet's body."""
    for group in overview.groups:
        for line in group.lines:
            figures = [getattr(line, name) for name, _ in COLUMNS]
            yield "line", [group.label, line.title, *figures, overspent_flag(line)]
        yield "subtotal", [group.label, f"{group.label} subtotal", *group.subtotal.as_list(), ""]
    yield "total", ["Total", "", *overview.total.as_list(), ""]


def filename(overview: YearOverview, extension: str) -> str:
    return f"{overview.fiscal_year.board.slug}-budget-{overview.fiscal_year.year}.{extension}"


def year_csv(overview: YearOverview) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header_row(overview))
    for _, cells in overview_rows(overview):
        writer.writerow(csv_cells(cells))
    return buffer.getvalue()


def year_workbook(overview: YearOverview) -> bytes:
    fiscal_year = overview.fiscal_year
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Budget {fiscal_year.year}"
    summary = SheetWriter(sheet)
    summary.add([f"{fiscal_year.board.name}: budget {fiscal_year.year}"])[0].font = TITLE
    summary.add(
        [
            f"{fiscal_year.starts_on:%-d %b %Y} to {fiscal_year.ends_on:%-d %b %Y}, "
            f"{fiscal_year.get_status_display().lower()}; amounts in {fiscal_year.currency}."
        ]
    )
    summary.add([])
    for cell in summary.add(header_row(overview)):
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    header_at = summary.row
    for kind, cells in overview_rows(overview):
        row = summary.add(cells)
        for cell in row[2 : 2 + len(COLUMNS)]:
            cell.number_format = MONEY_FORMAT
        if kind == "line" and cells[-1]:
            spent = row[2 + [name for name, _ in COLUMNS].index("spent")]
            for cell in (spent, row[-1]):
                cell.font = OVERSPENT_FONT
                cell.fill = OVERSPENT_FILL
        if kind != "line":
            for cell in row:
                cell.font = BOLD
                if kind == "subtotal":
                    cell.fill = SUBTOTAL_FILL
    sheet.freeze_panes = sheet.cell(row=header_at + 1, column=3)
    summary.add([])
    for term, definition in DEFINITIONS:
        summary.add([f"{term}:", definition])
    widths = [18, 46, 14, 14, 14, 16, 18, 36]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    requests_sheet = workbook.create_sheet("Spending requests")
    requests = SheetWriter(requests_sheet)
    header = requests.add(
        [
            "Category",
            "Line",
            "Request",
            "Status",
            f"Approved ({fiscal_year.currency})",
            f"Paid ({fiscal_year.currency})",
            "Approval recorded",
        ]
    )
    for cell in header:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for request in requests_of_year(fiscal_year):
        row = requests.add(
            [
                request.line.get_category_display(),
                request.line.title,
                request.title,
                request.get_status_display(),
                request.approved_amount,
                request.paid,
                request.approval_reference,
            ]
        )
        for cell in row[4:6]:
            cell.number_format = MONEY_FORMAT
    for index, width in enumerate([18, 36, 40, 12, 14, 14, 60], start=1):
        requests_sheet.column_dimensions[get_column_letter(index)].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
