"""The workbook and the CSV carry the spreadsheet's columns and the page's totals."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from budget.export import MONEY_FORMAT, REQUEST_WIDTHS, SUMMARY_WIDTHS
from budget.models import BudgetLine, Category
from tests.budget.factories import (
    ApprovedRequestFactory,
    BudgetLineFactory,
    CostItemFactory,
    PaymentFactory,
)
from tests.budget.helpers import approve, pay, simple_request

pytestmark = pytest.mark.django_db

COLUMNS = [
    "Category",
    "Line",
    "Planned (USD)",
    "Approved (USD)",
    "Spent (USD)",
    "Approved but unspent (USD)",
    "Available for allocation (USD)",
    "Flag",
]


@pytest.fixture
def budget(cast, year, line):
    venue = approve(simple_request(line, cast.sam, "2613.68", "Social"), "3000.00", cast.sam)
    pay(line, "1553.45", cast.sam, request=venue, currency="GBP", rate="1.7072")
    other = BudgetLineFactory(
        fiscal_year=year, category=Category.MARKETING, title="PR", planned=Decimal("36000.00")
    )
    pay(other, "7500.00", cast.sam)
    pay(other, "40000.00", cast.sam)  # overspent: available goes negative
    return year


def page_totals(client) -> dict[str, Decimal]:
    html = client.get(reverse("budget:year_overview", args=["test-board", 2024])).text
    found = re.findall(r'data-total="(\w+)">([^<]+)<', html)
    return {name: Decimal(text.replace(",", "").replace("\u2212", "-")) for name, text in found}


def test_the_workbook_opens_and_its_totals_equal_the_pages(cast, client_for, budget):
    client = client_for(cast.victor)
    response = client.get(reverse("budget:year_export_xlsx", args=["test-board", 2024]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="test-board-budget-2024.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Budget 2024"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, row in enumerate(rows) if row[0] == "Category")
    assert rows[header_index] == COLUMNS
    total = next(row for row in rows if row[0] == "Total")
    workbook_totals = [Decimal(str(value)).quantize(Decimal("0.01")) for value in total[2:7]]
    totals = page_totals(client)
    assert workbook_totals == [
        totals[name] for name in ("planned", "approved", "spent", "approved_unspent", "available")
    ]
    assert totals["available"] == Decimal("8000.00") + Decimal("36000.00") - Decimal(
        "2652.05"
    ) - Decimal("47500.00")
    lines = {row[1]: row for row in rows[header_index + 1 :] if row[1]}
    assert lines["Hackathon"][2:] == [8000, 3000, 2652.05, 347.95, 5347.95, None]
    assert "Events subtotal" in lines and "Marketing and PR subtotal" in lines
    assert sheet.cell(row=header_index + 2, column=3).number_format.startswith("#,##0.00")
    requests = workbook["Spending requests"]
    assert [cell.value for cell in requests[2]][2:6] == ["Social", "Approved", 3000, 2652.05]


def test_the_csv_has_the_same_columns_and_totals(cast, client_for, budget):
    client = client_for(cast.nora)
    response = client.get(reverse("budget:year_export_csv", args=["test-board", 2024]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == COLUMNS
    total = rows[-1]
    assert total[0] == "Total"
    totals = page_totals(client)
    assert [Decimal(cell) for cell in total[2:7]] == [
        totals[name] for name in ("planned", "approved", "spent", "approved_unspent", "available")
    ]
    assert total[6] == "-6152.05"
    flags = {row[1]: row[7] for row in rows[1:]}
    assert flags["PR"] == "Over-spent: 47,500.00 more than approved"
    assert flags["Hackathon"] == ""


def test_a_line_that_spent_more_than_approved_is_flagged_in_words_and_colour(
    cast, client_for, budget
):
    client = client_for(cast.victor)
    page = client.get(reverse("budget:year_overview", args=["test-board", 2024])).text
    assert page.count('data-flag="overspent"') == 1
    assert "Over-spent by 47,500.00" in page
    pr_line = BudgetLine.objects.get(title="PR")
    line_page = client.get(reverse("budget:line_detail", args=["test-board", pr_line.pk])).text
    assert "this line has paid out USD 47,500.00 more than was approved on it" in line_page
    assert 'class="figure-bad"' in line_page
    hackathon = BudgetLine.objects.get(title="Hackathon")
    assert (
        "Over-spent"
        not in client.get(reverse("budget:line_detail", args=["test-board", hackathon.pk])).text
    )

    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("budget:year_export_xlsx", args=["test-board", 2024])).content
        )
    )
    sheet = workbook["Budget 2024"]
    [pr_row] = [row for row in sheet.iter_rows() if row[1].value == "PR"]
    assert pr_row[7].value == "Over-spent: 47,500.00 more than approved"
    spent = pr_row[4]
    assert spent.value == 47500
    for flagged in (spent, pr_row[7]):
        assert flagged.font.color.rgb.endswith("A4282B") and flagged.font.bold
        assert flagged.fill.fgColor.rgb.endswith("FBE5E5")
    [hackathon_row] = [row for row in sheet.iter_rows() if row[1].value == "Hackathon"]
    assert hackathon_row[7].value is None
    assert not hackathon_row[4].font.bold


def test_spending_exactly_what_was_approved_is_not_over_spent(cast, client_for, year, line):
    request = approve(simple_request(line, cast.sam, "100.00"), "100.00", cast.sam)
    pay(line, "100.00", cast.sam, request=request)
    page = client_for(cast.victor).get(reverse("budget:year_overview", args=["test-board", 2024]))
    assert "Over-spent" not in page.text


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example","Open")', "+1-2", "@SUM(A1)"])
def test_a_title_is_never_exported_as_a_formula(cast, client_for, year, title):
    BudgetLineFactory(fiscal_year=year, title=title)
    client = client_for(cast.sam)
    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("budget:year_export_xlsx", args=["test-board", 2024])).content
        )
    )
    [cell] = [cell for row in workbook.active.iter_rows() for cell in row if cell.value == title]
    assert cell.data_type == "s"
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("budget:year_export_csv", args=["test-board", 2024])).text
            )
        )
    )
    assert ["Events", f"'{title}"] == rows[1][:2]


def test_control_characters_in_a_title_do_not_break_the_workbook(cast, client_for, year):
    BudgetLineFactory(fiscal_year=year, title="Venue\x0b hire")
    response = client_for(cast.sam).get(
        reverse("budget:year_export_xlsx", args=["test-board", 2024])
    )
    assert response.status_code == 200
    titles = [row[1] for row in load_workbook(io.BytesIO(response.content)).active.values]
    assert "Venue hire" in titles


def workbook_of(client) -> bytes:
    return client.get(reverse("budget:year_export_xlsx", args=["test-board", 2024])).content


def is_bold_on(cell, fill: str) -> bool:
    return cell.font.bold and cell.fill.fgColor.rgb.endswith(fill)


def widths(sheet) -> list[int]:
    """Each column's width in characters (a file may give adjacent columns as one range)."""
    by_column = {
        column: int(dimension.width)
        for dimension in sheet.column_dimensions.values()
        for column in range(dimension.min, dimension.max + 1)
    }
    return [by_column[column] for column in sorted(by_column)]


def test_the_workbook_keeps_its_sheets_formats_widths_panes_and_properties(
    cast, client_for, budget
):
    workbook = load_workbook(io.BytesIO(workbook_of(client_for(cast.victor))))
    assert workbook.sheetnames == ["Budget 2024", "Spending requests"]
    assert workbook.properties.title == "Test Board: budget 2024"
    assert workbook.properties.creator == "Boardroom"
    assert workbook.properties.created is not None

    sheet = workbook["Budget 2024"]
    assert sheet["A1"].value == "Test Board: budget 2024"
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 13
    assert sheet["A2"].value.endswith("approved; amounts in USD.")
    assert sheet.freeze_panes == "C5"  # the header row and the Category and Line columns
    assert [cell.value for cell in sheet[4]] == COLUMNS
    assert all(is_bold_on(cell, "DCE6F1") and cell.alignment.wrap_text for cell in sheet[4])
    assert widths(sheet) == SUMMARY_WIDTHS
    rows = {row[1].value or row[0].value: row for row in sheet.iter_rows(min_row=5)}
    hackathon, subtotal, total = rows["Hackathon"], rows["Events subtotal"], rows["Total"]
    assert all(cell.number_format == MONEY_FORMAT for cell in hackathon[2:7])
    assert not any(cell.font.bold for cell in hackathon)
    assert all(is_bold_on(cell, "F2F2F2") for cell in subtotal)
    assert all(cell.number_format == MONEY_FORMAT for cell in subtotal[2:7])
    assert all(cell.font.bold for cell in total[:7])
    assert all(cell.number_format == MONEY_FORMAT for cell in total[2:7])
    [planned] = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Planned:"]
    assert planned[1] == "what the board budgeted for the line."

    requests = workbook["Spending requests"]
    assert [cell.value for cell in requests[1]][4:6] == ["Approved (USD)", "Paid (USD)"]
    assert all(is_bold_on(cell, "DCE6F1") for cell in requests[1])
    assert [cell.value for cell in requests[2]][:4] == ["Events", "Hackathon", "Social", "Approved"]
    assert all(cell.number_format == MONEY_FORMAT for cell in requests[2][4:6])
    assert widths(requests) == REQUEST_WIDTHS


def test_money_is_written_as_numbers_with_the_exact_cents(cast, client_for, budget):
    with zipfile.ZipFile(io.BytesIO(workbook_of(client_for(cast.victor)))) as archive:
        summary = archive.read("xl/worksheets/sheet1.xml").decode()
        requests = archive.read("xl/worksheets/sheet2.xml").decode()
    # Spent on the Hackathon line: a number cell (no t="s") holding the cents as the page shows.
    assert re.search(r'<c r="E6" s="\d+"><v>2652.05</v></c>', summary)
    assert re.search(r'<c r="F2" s="\d+"><v>2652.05</v></c>', requests)
    assert "<v>-6152.05</v>" in summary  # available in total, negative


def add_lines(year, numbers) -> None:
    for number in numbers:
        line = BudgetLineFactory(
            fiscal_year=year, category=Category.values[number % 5], title=f"Line {number}"
        )
        request = ApprovedRequestFactory(line=line, approved_amount=Decimal("300.00"))
        CostItemFactory(request=request)
        PaymentFactory(request=request, line=line, amount=Decimal("120.00"))


def test_the_workbook_takes_the_same_queries_for_few_lines_and_many(cast, client_for, year):
    client = client_for(cast.sam)
    add_lines(year, range(3))
    workbook_of(client)  # the session and the seat are warm for both counts
    with CaptureQueriesContext(connection) as few:
        workbook_of(client)
    add_lines(year, range(3, 60))
    with CaptureQueriesContext(connection) as many:
        content = workbook_of(client)
    assert len(few) == len(many) <= 8
    assert load_workbook(io.BytesIO(content))["Spending requests"].max_row == 61
