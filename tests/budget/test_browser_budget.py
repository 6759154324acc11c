"""The secretary holds the May 2014 budget discussion from Boardroom's pages."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from governance.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_follows_the_hackathon_request_and_downloads_the_workbook(new_page, live_server):
    call_command("demo", no_serve=True)
    secretary = User.objects.get(email="sarah.conway@demo.boardroom.example")
    page = new_page(secretary)
    page.goto(f"{live_server.url}/b/xen-project-ab/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Budget").click()
    page.get_by_role("link", name="2014", exact=True).click()
    assert page.get_by_role("heading", name="Budget 2014").is_visible()
    assert page.get_by_text("planned minus spent").first.is_visible()

    page.get_by_role("link", name="Xen Project Hackathon").click()
    page.get_by_role("link", name="Hackathon evening social event").first.click()
    assert page.get_by_role("heading", name="Hackathon evening social event").is_visible()
    assert page.locator('[data-figure="requested"]').inner_text() == "2,613.68"
    assert page.locator('[data-figure="approved"]').inner_text() == "3,000.00"
    assert page.locator('[data-figure="gross"]').inner_text() == "GBP 3,106.90"
    assert page.locator('[data-figure="board-share"]').inner_text() == "GBP 1,553.45"
    assert page.get_by_text("motion 'Approve this expense', carried").is_visible()

    page.get_by_role("link", name="2014").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download workbook (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename == "xen-project-ab-budget-2014.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert "Budget 2014" in workbook.sheetnames
    total = next(
        row for row in workbook["Budget 2014"].iter_rows(values_only=True) if row[0] == "Total"
    )
    assert round(total[2], 2) == 194500.00
