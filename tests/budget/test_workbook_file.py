"""The year's workbook is written as XML text (budget/xlsx.py), not cell by cell through
openpyxl: it must still be a workbook a spreadsheet opens, with the sheets, widths, frozen
panes, fonts, fills and number formats the openpyxl version had."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budget import xlsx
from budget.models import Category
from tests.budget.factories import BudgetLineFactory
from tests.budget.helpers import pay

pytestmark = pytest.mark.django_db


def download(client):
    response = client.get(reverse("budget:year_export_xlsx", args=["test-board", 2024]))
    assert response.status_code == 200
    return response.content


def test_the_workbook_keeps_its_layout_and_styles(cast, client_for, year, line):
    other = BudgetLineFactory(
        fiscal_year=year, category=Category.MARKETING, title="PR & <press>", planned=Decimal(10)
    )
    pay(other, "12.34", cast.sam)  # over-spent: nothing was approved
    content = download(client_for(cast.victor))
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Budget 2024", "Spending requests"]
    sheet = workbook["Budget 2024"]
    assert sheet.freeze_panes == "C5"
    widths = [sheet.column_dimensions[column].width for column in "ABCDEFGH"]
    assert widths == [18, 46, 14, 14, 14, 16, 18, 36]
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 13
    assert sheet["A4"].value == "Category"
    assert sheet["A4"].font.b and sheet["A4"].fill.fgColor.rgb.endswith("DCE6F1")
    assert sheet["A4"].alignment.wrap_text and sheet["A4"].alignment.vertical == "top"
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=5) if row[1].value}
    pr = rows["PR & <press>"]
    assert pr[4].value == Decimal("12.34") or pr[4].value == pytest.approx(12.34)
    assert pr[4].number_format == "#,##0.00;[Red]-#,##0.00"
    assert pr[4].font.color.rgb.endswith("A4282B") and pr[4].fill.fgColor.rgb.endswith("FBE5E5")
    assert pr[6].value == pytest.approx(-2.34)
    assert not pr[3].font.b and not rows["Hackathon"][4].font.b
    subtotal = rows["Marketing and PR subtotal"]
    assert all(cell.font.b for cell in subtotal)
    assert subtotal[2].fill.fgColor.rgb.endswith("F2F2F2")
    total = next(row for row in sheet.iter_rows() if row[0].value == "Total")
    assert all(cell.font.b for cell in total) and total[2].number_format.startswith("#,##0.00")
    requests = workbook["Spending requests"]
    assert requests["A1"].font.b and requests["A1"].fill.fgColor.rgb.endswith("DCE6F1")
    assert requests.column_dimensions["G"].width == 60


def test_text_is_escaped_and_never_a_formula():
    workbook = xlsx.Workbook()
    sheet = workbook.sheet('Odd <names> & "quotes"', widths=[10])
    sheet.add(["=1+1", "a < b & c > d", " spaced ", Decimal("-0.10"), 3, 2.5, None, ""])
    loaded = load_workbook(io.BytesIO(workbook.save()))
    assert loaded.sheetnames == ['Odd <names> & "quotes"']
    row = next(loaded.active.iter_rows(values_only=True))
    assert row[:6] == ("=1+1", "a < b & c > d", " spaced ", -0.1, 3, 2.5)
    assert loaded.active["A1"].data_type == "s"


def test_a_value_that_is_neither_text_nor_a_number_is_refused():
    sheet = xlsx.Workbook().sheet("S", widths=[])
    for value in (True, object()):
        with pytest.raises(TypeError):
            sheet.add([value])
