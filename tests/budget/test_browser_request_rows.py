"""The secretary types the hackathon's four cost items into one request, adding and removing rows
in place, and Enter saves the request rather than pressing the first "Remove"."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from budget.models import SpendingRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = [
    ("Venue hire", "500"),
    ("Drinks", "648"),
    ("Food", "1200"),
    ("Wrong row", "1"),
    ("Photographer", "300"),
]


def test_cost_rows_are_added_and_removed_in_place_and_enter_saves(
    cast, line, new_page, live_server
):
    page = new_page(cast.sam, viewport={"width": 390, "height": 844})
    page.goto(live_server.url + reverse("budget:request_create", args=["test-board", line.pk]))
    assert page.get_by_label("Requested by").input_value() == str(cast.sam.pk)
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Title").fill("Hackathon evening social event")
    rows = page.locator("#cost-items tr.formset-row")
    assert rows.count() == 1
    for index, (description, cost) in enumerate(ITEMS):
        if index:
            page.get_by_role("button", name="Add a cost item").click()
            expect(rows).to_have_count(index + 1)
            expect(page.locator(f"#id_items-{index}-description")).to_be_focused()
        page.locator(f"#id_items-{index}-description").fill(description)
        page.locator(f"#id_items-{index}-unit_cost").fill(cost)

    page.get_by_role("button", name="Remove item 4").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#rows-status")).to_have_text("Cost item removed; 4 left.")
    assert [page.locator(f"#id_items-{i}-description").input_value() for i in range(4)] == [
        "Venue hire",
        "Drinks",
        "Food",
        "Photographer",
    ]
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the rows in place

    page.get_by_label("Title").press("Enter")
    page.wait_for_url("**/budget/requests/*/")
    saved = SpendingRequest.objects.get()
    assert saved.requested_by == cast.sam
    assert [item.description for item in saved.items.order_by("position")] == [
        "Venue hire",
        "Drinks",
        "Food",
        "Photographer",
    ]
