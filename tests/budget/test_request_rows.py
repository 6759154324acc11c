"""The request form takes any number of cost and sponsor rows: added and removed in place with
htmx, and by a plain submit without JavaScript; changing rows saves nothing."""

import re

import pytest
from django.urls import reverse

from budget.models import CostItem, SpendingRequest
from tests.budget.test_pages import request_post

pytestmark = pytest.mark.django_db


def total_forms(html: str, prefix: str) -> int:
    return int(re.search(rf'name="{prefix}-TOTAL_FORMS" value="(\d+)"', html).group(1))


@pytest.fixture
def url(line):
    return reverse("budget:request_create", args=["test-board", line.pk])


def test_without_javascript_a_submit_adds_a_row_and_keeps_what_was_typed(cast, client_for, url):
    client = client_for(cast.sam)
    response = client.post(url, request_post(rows="add-items"))
    assert response.status_code == 200
    html = response.text
    assert total_forms(html, "items") == 3
    assert 'value="Venue hire"' in html and 'value="Drinks"' in html
    assert 'value="Hackathon social"' in html
    assert 'name="items-2-description"' in html and "autofocus" in html
    assert "Nothing was saved" not in html  # a row change is not a failed save
    assert not SpendingRequest.objects.exists()


def test_without_javascript_a_submit_removes_the_row_it_names(cast, client_for, url):
    response = client_for(cast.sam).post(url, request_post(rows="remove-items-0"))
    html = response.text
    assert total_forms(html, "items") == 1
    assert 'value="Venue hire"' not in html and 'value="Drinks"' in html
    assert not SpendingRequest.objects.exists()


def test_with_htmx_only_the_changed_rows_come_back(cast, client_for, url):
    client = client_for(cast.sam)
    response = client.post(url, request_post(rows="add-shares"), headers={"HX-Request": "true"})
    html = response.text.strip()
    assert html.startswith('<fieldset class="card rows-fieldset" id="sponsor-shares">')
    assert total_forms(html, "shares") == 2
    assert "<html" not in html and 'id="cost-items"' not in html
    assert 'hx-swap-oob="innerHTML:#rows-status">Sponsor 2 added.' in html
    removed = client.post(
        url, request_post(rows="remove-items-1"), headers={"HX-Request": "true"}
    ).text
    assert removed.strip().startswith('<fieldset class="card rows-fieldset" id="cost-items">')
    assert total_forms(removed, "items") == 1
    assert "Cost item removed; 1 left." in removed


@pytest.mark.parametrize("change", ["remove-items-9", "remove-items-x", "add-nothing", "drop"])
def test_a_row_change_that_names_nothing_changes_nothing(cast, client_for, url, change):
    response = client_for(cast.sam).post(url, request_post(rows=change))
    assert response.status_code == 200
    assert total_forms(response.text, "items") == 2
    assert not SpendingRequest.objects.exists()


def test_a_request_with_many_rows_saves_them_all_and_drops_blank_ones(cast, client_for, url):
    data = request_post(**{"items-TOTAL_FORMS": "6", "shares-TOTAL_FORMS": "0"})
    for index in range(2, 5):
        data |= {
            f"items-{index}-description": f"Item {index}",
            f"items-{index}-quantity": "2",
            f"items-{index}-unit_cost": "10",
            f"items-{index}-vat_rate": "0",
        }
    data |= {"items-5-quantity": "1", "items-5-vat_rate": "0"}  # a spare row left as it came
    response = client_for(cast.sam).post(url, data)
    assert response.status_code == 302, response.text
    assert CostItem.objects.count() == 5


def test_requested_by_is_the_person_asking(cast, client_for, url):
    html = client_for(cast.sam).get(url).text
    assert re.search(rf'<option value="{cast.sam.pk}" selected>Sam Secretary</option>', html)
