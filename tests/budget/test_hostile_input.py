"""Hostile and absurd input on the budget pages: a clear refusal, never a 500, nothing saved."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from budget import services
from budget.models import BudgetLine, CostItem, FiscalYear, Payment, SpendingRequest
from governance.models import AuditEntry
from tests.budget.helpers import approve, simple_request
from tests.budget.test_pages import request_post

pytestmark = pytest.mark.django_db

LARGEST = "999999999999.99"


@pytest.fixture
def secretary(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.sam)
    return client


@pytest.mark.parametrize("wanted", ["²", "١", "-1", "abc", "9" * 30, "1.5"])
def test_a_payment_link_naming_no_request_of_the_line_is_a_404(cast, secretary, line, wanted):
    url = reverse("budget:payment_create", args=["test-board", line.pk])
    assert secretary.get(url, {"request": wanted}).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"items-0-quantity": "99999999.99", "items-0-unit_cost": LARGEST},
            "Cost item 1 (Venue hire) is too large to record",
        ),
        (
            {"items-0-unit_cost": LARGEST, "items-1-unit_cost": LARGEST},
            "The total cost is more than GBP 999,999,999,999.99",
        ),
        (
            {"items-0-unit_cost": "500000000000", "exchange_rate": "99999999.999999"},
            "check the exchange rate",
        ),
    ],
)
def test_a_request_too_large_to_record_is_refused_and_nothing_is_saved(
    cast, secretary, line, overrides, message
):
    audit_before = AuditEntry.objects.count()
    response = secretary.post(
        reverse("budget:request_create", args=["test-board", line.pk]),
        request_post(**{"shares-TOTAL_FORMS": "0", **overrides}),
    )
    assert response.status_code == 200
    assert message in response.text and "Nothing was saved" in response.text
    assert not SpendingRequest.objects.exists() and not CostItem.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_payment_too_large_once_converted_is_refused(cast, secretary, line):
    spending_request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    url = reverse("budget:payment_create", args=["test-board", line.pk])
    response = secretary.post(
        f"{url}?request={spending_request.pk}",
        {"paid_on": "2024-06-01", "amount": LARGEST, "currency": "GBP", "exchange_rate": "2"},
    )
    assert response.status_code == 200
    assert "the payment comes to more than USD 999,999,999,999.99" in response.text
    assert not Payment.objects.exists()


def test_the_same_sponsor_twice_is_refused_before_anything_is_written(cast, secretary, line):
    data = request_post(
        **{
            "shares-TOTAL_FORMS": "2",
            "shares-0-organisation": cast.acme.pk,
            "shares-1-organisation": cast.acme.pk,
            "shares-1-percentage": "10",
        }
    )
    response = secretary.post(reverse("budget:request_create", args=["test-board", line.pk]), data)
    assert response.status_code == 200
    assert "Each sponsor can be listed once per request" in response.text
    assert not SpendingRequest.objects.exists()


def test_sponsors_paying_more_than_the_whole_cost_are_refused(cast, secretary, line):
    data = request_post(
        **{
            "shares-TOTAL_FORMS": "2",
            "shares-0-organisation": cast.acme.pk,
            "shares-0-percentage": "60",
            "shares-1-organisation": cast.globex.pk,
            "shares-1-percentage": "60",
        }
    )
    response = secretary.post(reverse("budget:request_create", args=["test-board", line.pk]), data)
    assert response.status_code == 200
    assert "exceed the total cost" in response.text
    assert not SpendingRequest.objects.exists() and not CostItem.objects.exists()


def test_a_year_created_twice_at_the_same_moment_is_refused_in_words(cast, secretary, board):
    # The second of two simultaneous submissions passes validation and meets the constraint.
    with mock.patch.object(FiscalYear, "save", side_effect=IntegrityError("unique")):
        response = secretary.post(reverse("budget:year_list", args=["test-board"]), {"year": 2031})
    assert response.status_code == 200
    assert "The 2031 fiscal year already exists" in response.text


def test_a_line_added_twice_at_the_same_moment_is_refused_in_words(cast, secretary, year):
    with mock.patch.object(BudgetLine, "save", side_effect=IntegrityError("unique")):
        response = secretary.post(
            reverse("budget:line_create", args=["test-board", 2024]),
            {"category": "events", "title": "Summit", "planned": "10"},
        )
    assert response.status_code == 200
    assert "2024 already has a line called &#x27;Summit&#x27;" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"planned": "1e20"}, "less than or equal to 999999999999.99"),
        ({"planned": "NaN"}, "Enter a number"),
        ({"planned": "12.345"}, "no more than 2 decimal places"),
        ({"category": "treasure"}, "Select a valid choice"),
    ],
)
def test_a_line_with_a_bad_amount_or_category_is_refused(cast, secretary, year, data, message):
    response = secretary.post(
        reverse("budget:line_create", args=["test-board", 2024]),
        {"category": "events", "title": "Summit", "planned": "10", **data},
    )
    assert response.status_code == 200 and message in response.text
    assert not BudgetLine.objects.filter(title="Summit").exists()


def test_the_service_refuses_a_request_too_large_for_any_caller(cast, line):
    with pytest.raises(services.BudgetError, match="too large to record"):
        services.spending_request_save(
            line=line,
            actor=cast.sam,
            data=services.RequestInput(
                title="Huge",
                currency="USD",
                items=[
                    services.CostItemInput(
                        description="x", quantity=Decimal("99999999.99"), unit_cost=Decimal(LARGEST)
                    )
                ],
            ),
        )
    assert not SpendingRequest.objects.exists()


def submission_key(client, url) -> str:
    """The key the form page hands out, as a browser would send it back."""
    return client.get(url).context["form"]["submission"].value()


def test_a_payment_form_sent_twice_records_one_payment(cast, secretary, line):
    spending_request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    url = reverse("budget:payment_create", args=["test-board", line.pk])
    url += f"?request={spending_request.pk}"
    data = {
        "paid_on": "2024-06-01",
        "amount": "400.00",
        "currency": "USD",
        "exchange_rate": "1",
        "submission": submission_key(secretary, url),
    }
    first, second = secretary.post(url, data), secretary.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url == spending_request.get_absolute_url()
    assert Payment.objects.count() == 1
    assert AuditEntry.objects.filter(action="budget.payment.record").count() == 1
    page = secretary.get(second.url)
    assert "This payment was already recorded." in page.text
    assert "400.00" in page.text
    data["submission"] = submission_key(secretary, url)  # a new form: a second payment
    assert secretary.post(url, data).status_code == 302
    assert Payment.objects.count() == 2


def test_a_request_form_sent_twice_creates_one_request(cast, secretary, line):
    url = reverse("budget:request_create", args=["test-board", line.pk])
    data = request_post(
        **{"shares-0-organisation": cast.acme.pk, "submission": submission_key(secretary, url)}
    )
    first, second = secretary.post(url, data), secretary.post(url, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert SpendingRequest.objects.count() == 1
    assert CostItem.objects.count() == 2


def test_a_corrected_form_keeps_its_key_and_saves_once(cast, secretary, line):
    url = reverse("budget:request_create", args=["test-board", line.pk])
    key = submission_key(secretary, url)
    refused = secretary.post(url, request_post(**{"items-0-vat_rate": "250", "submission": key}))
    assert refused.status_code == 200 and f'value="{key}"' in refused.text
    data = request_post(**{"shares-TOTAL_FORMS": "0", "submission": key})
    assert secretary.post(url, data).status_code == 302
    assert SpendingRequest.objects.count() == 1
