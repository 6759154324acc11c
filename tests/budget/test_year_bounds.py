"""A fiscal year is about a year long, and the forms of a closed year say so before anyone types."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from budget import services
from budget.models import FiscalYear, Payment, YearStatus
from tests.budget.factories import ApprovedRequestFactory, BudgetLineFactory, FiscalYearFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def secretary(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.sam)
    return client


@pytest.mark.parametrize(
    ("year", "starts_on", "ends_on", "allowed"),
    [
        (2030, D(2030, 1, 1), D(2030, 12, 31), True),
        (2030, D(2029, 10, 1), D(2030, 9, 30), True),  # a year ending in September
        (2030, D(2030, 1, 1), D(2031, 3, 31), True),  # a long year of 15 months: the most
        (2030, D(2030, 1, 1), D(2031, 4, 1), False),
        (2030, D(2030, 4, 1), D(2030, 12, 31), True),  # a short year of 9 months: the least
        (2030, D(2030, 4, 2), D(2030, 12, 31), False),
        (2030, D(1, 1, 1), D(9999, 12, 31), False),
        (2030, D(2032, 1, 1), D(2032, 12, 31), False),  # a year, but not 2030
        (2030, D(2028, 1, 1), D(2028, 12, 31), False),
    ],
)
def test_a_fiscal_year_runs_about_a_year_and_overlaps_its_name(
    cast, year, starts_on, ends_on, allowed
):
    create = {"board": cast.board, "year": year, "starts_on": starts_on, "ends_on": ends_on}
    if allowed:
        assert services.fiscal_year_create(**create, actor=cast.sam).ends_on == ends_on
    else:
        with pytest.raises(ValidationError):
            services.fiscal_year_create(**create, actor=cast.sam)
        assert not FiscalYear.objects.filter(board=cast.board, year=year).exists()


def test_the_widest_dates_are_refused_on_the_page_with_a_message(cast, secretary):
    url = reverse("budget:year_list", args=["test-board"])
    data = {"year": "2030", "starts_on": "0001-01-01", "ends_on": "9999-12-31"}
    response = secretary.post(url, data)
    assert response.status_code == 200
    assert "A fiscal year runs about a year (9 to 15 months)" in response.text
    assert not FiscalYear.objects.filter(year=2030).exists()


@pytest.mark.parametrize("paid_on", ["9999-12-31", "0001-01-01", "2030-06-01"])
def test_a_payment_on_a_year_that_spans_every_date_is_never_a_500(cast, secretary, paid_on):
    """A year saved before the rule (or by a raw write) still answers payments in words."""
    endless = FiscalYearFactory(
        board=cast.board, year=2030, starts_on=D(1, 1, 1), ends_on=D(9999, 12, 31)
    )
    line = BudgetLineFactory(fiscal_year=endless)
    url = reverse("budget:payment_create", args=["test-board", line.pk])
    form = secretary.get(url)
    assert form.status_code == 200
    response = secretary.post(
        url, {"paid_on": paid_on, "amount": "10.00", "currency": "USD", "exchange_rate": "1"}
    )
    assert response.status_code in (200, 302)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(("days_after", "allowed"), [(90, True), (91, False)])
def test_a_payment_is_taken_up_to_90_days_after_the_year_ends(
    cast, year, line, days_after, allowed
):
    paid_on = year.ends_on + dt.timedelta(days=days_after)
    pay = {"line": line, "paid_on": paid_on, "amount": Decimal(5), "currency": "USD"}
    if allowed:
        services.payment_record(**pay, actor=cast.sam)
    else:
        with pytest.raises(services.BudgetError, match="outside the 2024 fiscal year"):
            services.payment_record(**pay, actor=cast.sam)
    assert Payment.objects.count() == int(allowed)


def test_a_payment_before_the_year_starts_is_refused(cast, year, line):
    with pytest.raises(services.BudgetError, match="outside the 2024 fiscal year"):
        services.payment_record(
            line=line, paid_on=D(2023, 12, 31), amount=Decimal(5), currency="USD", actor=cast.sam
        )


@pytest.mark.parametrize(
    "page",
    ["payment", "payment_for_request", "request_create", "line_create", "approve", "reject"],
)
def test_the_forms_of_a_closed_year_say_so_up_front_and_offer_no_form(cast, secretary, page):
    closed = FiscalYearFactory(board=cast.board, year=2024, status=YearStatus.CLOSED)
    line = BudgetLineFactory(fiscal_year=closed)
    spending_request = ApprovedRequestFactory(line=line)
    url = {
        "payment": reverse("budget:payment_create", args=["test-board", line.pk]),
        "payment_for_request": reverse("budget:payment_create", args=["test-board", line.pk])
        + f"?request={spending_request.pk}",
        "request_create": reverse("budget:request_create", args=["test-board", line.pk]),
        "line_create": reverse("budget:line_create", args=["test-board", 2024]),
        "approve": reverse("budget:request_approve", args=["test-board", spending_request.pk]),
        "reject": reverse("budget:request_reject", args=["test-board", spending_request.pk]),
    }[page]
    response = secretary.get(url)
    assert response.status_code == 200
    assert "The 2024 fiscal year is closed" in response.text
    assert "<form" not in response.text.split('id="main"')[1]
    assert secretary.post(url, {"amount": "10", "paid_on": "2024-06-01"}).status_code == 200
    assert not Payment.objects.exists()
