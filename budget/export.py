"""A fiscal year as the board's spreadsheet: an .xlsx workbook and a CSV, with the page's figures.

Both are written from `queries.year_overview`, the same figures the overview page shows, so the
totals cannot disagree. Amounts are written as numbers (not text), in the base currency.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from budget import xlsx
from budget.queries import COLUMNS, DEFINITIONS, YearOverview, requests_of_year

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
HEADER_FILL = "DCE6F1"
SUBTOTAL_FILL = "F2F2F2"
OVERSPENT_COLOUR = "A4282B"
OVERSPENT_FILL = "FBE5E5"


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


SUMMARY_WIDTHS = [18, 46, 14, 14, 14, 16, 18, 36]
REQUEST_WIDTHS = [18, 36, 40, 12, 14, 14, 60]
# Title, subtitle, a blank row, then the header: the lines start on row 5, beside column B.
FIRST_LINE_CELL = "C5"


def year_workbook(overview: YearOverview) -> bytes:
    fiscal_year = overview.fiscal_year
    workbook = xlsx.Workbook()
    title = workbook.style(bold=True, size=13)
    header = workbook.style(bold=True, fill=HEADER_FILL, wrap_top=True)
    money = workbook.style(number_format=MONEY_FORMAT)
    overspent = workbook.style(bold=True, color=OVERSPENT_COLOUR, fill=OVERSPENT_FILL)
    overspent_money = workbook.style(
        bold=True, color=OVERSPENT_COLOUR, fill=OVERSPENT_FILL, number_format=MONEY_FORMAT
    )
    total, total_money = (
        workbook.style(bold=True),
        workbook.style(bold=True, number_format=MONEY_FORMAT),
    )
    subtotal = workbook.style(bold=True, fill=SUBTOTAL_FILL)
    subtotal_money = workbook.style(bold=True, fill=SUBTOTAL_FILL, number_format=MONEY_FORMAT)
    # Each kind of row: the style of its two text columns, its money columns and its flag.
    looks = {
        "line": (0, money, 0),
        "overspent": (0, money, overspent),
        "subtotal": (subtotal, subtotal_money, subtotal),
        "total": (total, total_money, total),
    }
    spent_at = 2 + [name for name, _ in COLUMNS].index("spent")

    summary = workbook.sheet(
        f"Budget {fiscal_year.year}", widths=SUMMARY_WIDTHS, freeze=FIRST_LINE_CELL
    )
    summary.add(clean([f"{fiscal_year.board.name}: budget {fiscal_year.year}"]), title)
    summary.add(
        [
            f"{fiscal_year.starts_on:%-d %b %Y} to {fiscal_year.ends_on:%-d %b %Y}, "
            f"{fiscal_year.get_status_display().lower()}; amounts in {fiscal_year.currency}."
        ]
    )
    summary.add([])
    summary.add(header_row(overview), header)
    for kind, values in overview_rows(overview):
        if kind == "line" and values[-1]:
            kind = "overspent"
        text, amounts, flag = looks[kind]
        styles = [text, text] + [amounts] * len(COLUMNS) + [flag]
        if kind == "overspent":
            styles[spent_at] = overspent_money
        summary.add(clean(values), styles)
    summary.add([])
    for term, definition in DEFINITIONS:
        summary.add(clean([f"{term}:", definition]))

    requests = workbook.sheet("Spending requests", widths=REQUEST_WIDTHS)
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
        workbook.style(bold=True, fill=HEADER_FILL),
    )
    request_styles = [0, 0, 0, 0, money, money, 0]
    for request in requests_of_year(fiscal_year):
        requests.add(
            clean(
                [
                    request.line.get_category_display(),
                    request.line.title,
                    request.title,
                    request.get_status_display(),
                    request.approved_amount,
                    request.paid,
                    request.approval_reference,
                ]
            ),
            request_styles,
        )
    return workbook.save()
