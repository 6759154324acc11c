"""A fiscal year as the board's spreadsheet: an .xlsx workbook and a CSV, with the page's figures.

Both are written from `queries.year_overview`, the same figures the overview page shows, so the
totals cannot disagree. Amounts are written as numbers (not text), in the base currency.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from budget.models import Category, RequestStatus
from budget.money import to_cents
from budget.queries import COLUMNS, DEFINITIONS, YearOverview, requests_of_year

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
HEADER_FILL = "#DCE6F1"
SUBTOTAL_FILL = "#F2F2F2"
OVERSPENT_COLOUR = "#A4282B"
OVERSPENT_FILL = "#FBE5E5"
SUMMARY_WIDTHS = [18, 46, 14, 14, 14, 16, 18, 36]
REQUEST_WIDTHS = [18, 36, 40, 12, 14, 14, 60]

# The control characters an .xlsx cell cannot hold (XML 1.0 forbids them).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
CATEGORY_LABELS = dict(Category.choices)
STATUS_LABELS = dict(RequestStatus.choices)


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
    """Writes a sheet row after row, the cells straight into XlsxWriter's table: no second copy
    of the rows is built first."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 0

    def add(self, cells: list, formats: list[Format | None] | Format | None = None) -> None:
        """Write the next row, each cell by its Python type: text is always written as text (a
        title like '=HYPERLINK(…)' never becomes a formula), a Decimal as a number (formatted
        from its digits when the file is written, never through float arithmetic), and an empty
        cell only when it carries a format."""
        sheet, row = self.sheet, self.row
        for column, value in enumerate(clean(cells)):
            cell_format = formats[column] if isinstance(formats, list) else formats
            if isinstance(value, Decimal | int):
                sheet.write_number(row, column, value, cell_format)
            elif value:
                sheet.write_string(row, column, value, cell_format)
            elif cell_format is not None:
                sheet.write_blank(row, column, None, cell_format)
        self.row += 1


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


class Formats:
    """The workbook's cell formats: XlsxWriter keeps one per combination of font, fill and number
    format, so each combination the sheets use is named once here."""

    def __init__(self, workbook: Workbook) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 13})
        self.header = add(
            {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "valign": "top"}
        )
        self.requests_header = add({"bold": True, "bg_color": HEADER_FILL})
        self.money = add({"num_format": MONEY_FORMAT})
        overspent = {"bold": True, "font_color": OVERSPENT_COLOUR, "bg_color": OVERSPENT_FILL}
        self.overspent = add(overspent)
        self.overspent_money = add({**overspent, "num_format": MONEY_FORMAT})
        subtotal = {"bold": True, "bg_color": SUBTOTAL_FILL}
        self.subtotal = add(subtotal)
        self.subtotal_money = add({**subtotal, "num_format": MONEY_FORMAT})
        self.total = add({"bold": True})
        self.total_money = add({"bold": True, "num_format": MONEY_FORMAT})

    def of_overview_row(self, kind: str, cells: list) -> list[Format | None]:
        """Text, then a money format for each figure, then the flag: bold for subtotals and the
        total; an over-spent line's spent figure and flag in red on pink."""
        text, money = {
            "line": (None, self.money),
            "subtotal": (self.subtotal, self.subtotal_money),
            "total": (self.total, self.total_money),
        }[kind]
        formats = [text, text] + [money] * len(COLUMNS) + [text]
        if kind == "line" and cells[-1]:
            formats[2 + SPENT_COLUMN] = self.overspent_money
            formats[-1] = self.overspent
        return formats


SPENT_COLUMN = [name for name, _ in COLUMNS].index("spent")


def year_workbook(overview: YearOverview) -> bytes:
    """The year as an .xlsx file: the overview sheet (lines, subtotals, total, definitions) and
    the spending requests, streamed from the database row by row.

    XlsxWriter's in_memory mode: its constant_memory mode writes each sheet through a temporary
    file, which cost more (large board: 117 ms CPU against 98 ms, and ~70 ms more wall time on the
    demo board) for a workbook of a few thousand rows that fits in memory easily."""
    fiscal_year = overview.fiscal_year
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True})
    title = f"{fiscal_year.board.name}: budget {fiscal_year.year}"
    workbook.set_properties(
        {
            "title": title,
            "subject": f"Budget {fiscal_year.year} in {fiscal_year.currency}",
            "author": "Boardroom",
            "company": fiscal_year.board.name,
            "created": timezone.now(),
        }
    )
    formats = Formats(workbook)

    sheet = workbook.add_worksheet(f"Budget {fiscal_year.year}")
    for column, width in enumerate(SUMMARY_WIDTHS):
        sheet.set_column(column, column, width)
    summary = SheetWriter(sheet)
    summary.add([title], formats.title)
    summary.add(
        [
            f"{fiscal_year.starts_on:%-d %b %Y} to {fiscal_year.ends_on:%-d %b %Y}, "
            f"{fiscal_year.get_status_display().lower()}; amounts in {fiscal_year.currency}."
        ]
    )
    summary.add([])
    summary.add(header_row(overview), formats.header)
    sheet.freeze_panes(summary.row, 2)  # the header and the Category and Line columns stay
    for kind, cells in overview_rows(overview):
        summary.add(cells, formats.of_overview_row(kind, cells))
    summary.add([])
    for term, definition in DEFINITIONS:
        summary.add([f"{term}:", definition])

    requests_sheet = workbook.add_worksheet("Spending requests")
    for column, width in enumerate(REQUEST_WIDTHS):
        requests_sheet.set_column(column, column, width)
    requests = SheetWriter(requests_sheet)
    requests.add(
        [
            "Category",
            "Line",
            "Request",
            "Status",
            f"Approved ({fiscal_year.currency})",
            f"Paid ({fiscal_year.currency})",
            "Approval recorded",
        ],
        formats.requests_header,
    )
    request_formats = [None, None, None, None, formats.money, formats.money, None]
    for category, line, request, status, approved, paid, reference in (
        requests_of_year(fiscal_year)
        .values_list(
            "line__category",
            "line__title",
            "title",
            "status",
            "approved_amount",
            "paid",
            "approval_reference",
        )
        .iterator(chunk_size=1000)
    ):
        requests.add(
            [
                CATEGORY_LABELS[category],
                line,
                request,
                STATUS_LABELS[status],
                approved,
                to_cents(paid),
                reference,
            ],
            request_formats,
        )

    workbook.close()
    return buffer.getvalue()
