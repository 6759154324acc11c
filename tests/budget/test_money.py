"""Arithmetic: rounding, VAT, sponsor shares, conversion and the derived columns, by property."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import services
from budget.models import CostItem, SpendingRequest, SponsorShare, breakdown_of
from budget.money import (
    CurrencyMismatch,
    Money,
    add_vat,
    percent_of,
    to_cents,
    total,
    vat_included_in,
)
from budget.queries import nice_step, year_overview
from tests.budget.factories import BudgetLineFactory, FiscalYearFactory
from tests.budget.helpers import approve, pay
from tests.factories import BoardFactory

amounts = st.decimals(min_value=0, max_value=Decimal("1000000"), places=2)
rates = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1000"), places=6)
vat_rates = st.sampled_from([Decimal(0), Decimal(5), Decimal("7.7"), Decimal(19), Decimal(20)])
quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("2613.679625", "2613.68"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("62.405", "62.41"),
        ("-0.005", "-0.01"),
        ("1553.45", "1553.45"),
    ],
)
def test_rounding_is_half_up_to_the_cent(amount, cents):
    assert to_cents(Decimal(amount)) == Decimal(cents)


def test_different_currencies_are_never_added():
    with pytest.raises(CurrencyMismatch, match="without converting"):
        Money(Decimal("1.00"), "GBP") + Money(Decimal("1.00"), "USD")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(1.5, "USD")


@given(net=amounts, rate=vat_rates)
def test_vat_on_a_net_amount_adds_up(net, rate):
    vat, gross = add_vat(net, rate)
    assert gross == net + vat
    assert vat == to_cents(vat)
    assert abs(vat - net * rate / 100) <= Decimal("0.005")


@given(gross=amounts, rate=vat_rates)
def test_vat_inside_a_gross_amount_adds_back_to_it(gross, rate):
    net, vat = vat_included_in(gross, rate)
    assert net + vat == gross
    assert net == to_cents(net) and vat >= 0


@given(amount=amounts, rate=rates)
def test_conversion_rounds_half_up_to_the_cent(amount, rate):
    converted = Money(amount, "GBP").converted(rate=rate, to="USD")
    assert converted.currency == "USD"
    assert converted.amount == to_cents(amount * rate)
    assert abs(converted.amount - amount * rate) <= Decimal("0.005")


@given(amount=amounts)
def test_conversion_into_the_same_currency_changes_nothing(amount):
    assert Money(amount, "USD").converted(rate=Decimal(1), to="USD") == Money(amount, "USD")


@given(
    items=st.lists(st.tuples(quantities, amounts, vat_rates, st.booleans()), max_size=8),
    percent=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
    rate=rates,
)
def test_request_totals_are_sums_of_rounded_lines(items, percent, rate):
    request = SpendingRequest(currency="GBP", exchange_rate=rate)
    cost_items = [
        CostItem(request=request, quantity=q, unit_cost=c, vat_rate=v, includes_vat=inc)
        for q, c, v, inc in items
    ]
    share = SponsorShare(request=request, percentage=percent)
    breakdown = breakdown_of(request, cost_items, [share], "USD")
    assert breakdown.gross.amount == sum((item.gross.amount for item in cost_items), Decimal(0))
    assert breakdown.net.amount + breakdown.vat.amount == breakdown.gross.amount
    for item in cost_items:
        assert item.gross.amount == to_cents(item.gross.amount)
        assert item.net.amount + item.vat.amount == item.gross.amount
    ((_, contribution),) = breakdown.contributions
    assert contribution.amount == percent_of(breakdown.gross.amount, percent)
    assert contribution + breakdown.board_share == breakdown.gross
    assert breakdown.requested.amount == to_cents(breakdown.board_share.amount * rate)


def test_an_empty_sum_is_zero_in_its_currency():
    assert total([], "EUR") == Money(Decimal("0.00"), "EUR")


# -- Derived columns against their definitions, on the database -------------------------------


line_specs = st.lists(
    st.tuples(
        amounts,  # planned
        st.lists(
            st.tuples(
                st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2),
                st.lists(
                    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30000"), places=2),
                    max_size=3,
                ),
                st.booleans(),  # settled
            ),
            max_size=3,
        ),
    ),
    min_size=1,
    max_size=4,
)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=line_specs)
def test_derived_columns_agree_with_their_definitions(specs):
    try:
        with transaction.atomic():
            _check_derived_columns(specs)
            raise Rollback
    except Rollback:
        pass


def _check_derived_columns(specs):
    board = BoardFactory()
    from governance.models import User

    actor = User.objects.create_user("hyp@example.org", full_name="Hypothesis")
    fiscal_year = FiscalYearFactory(board=board, year=2024)
    expected = {}
    for index, (planned, requests) in enumerate(specs):
        line = BudgetLineFactory(fiscal_year=fiscal_year, planned=planned, title=f"L{index}")
        approved = spent = unspent = Decimal(0)
        for number, (amount, payments, settled) in enumerate(requests):
            request = services.spending_request_save(
                line=line,
                actor=actor,
                data=services.RequestInput(
                    title=f"R{number}",
                    currency="USD",
                    items=[services.CostItemInput(description="x", unit_cost=amount)],
                ),
            )
            approve(request, amount, actor)
            for paid in payments:
                pay(line, paid, actor, request=request, on=dt.date(2024, 5, 1))
            approved += amount
            spent += sum(payments, Decimal(0))
            if settled:
                services.spending_request_settle(request=request, actor=actor)
            else:
                unspent += max(amount - sum(payments, Decimal(0)), Decimal(0))
        expected[line.title] = (planned, approved, spent, unspent, planned - spent)
    overview = year_overview(fiscal_year)
    lines = [line for group in overview.groups for line in group.lines]
    for line in lines:
        figures = (line.planned, line.approved, line.spent, line.approved_unspent, line.available)
        assert figures == expected[line.title]
    columns = list(zip(*expected.values(), strict=True))
    assert overview.total.as_list() == [sum(column, Decimal(0)) for column in columns]


@pytest.mark.parametrize(
    ("rough", "step"),
    [("23250", "50000"), ("0.3", "0.5"), ("1000", "1000"), ("1001", "2000"), ("7", "10")],
)
def test_chart_gridlines_fall_on_round_numbers(rough, step):
    assert nice_step(Decimal(rough)) == Decimal(step)


@pytest.mark.django_db
def test_the_chart_scale_reaches_above_the_tallest_bar(cast, year, line):
    from tests.budget.factories import BudgetLineFactory

    BudgetLineFactory(fiscal_year=year, title="Summit", planned=Decimal("85000.00"))
    chart = year_overview(year).chart()
    assert [tick.value for tick in chart.ticks] == [0, 50000, 100000]
    tallest = max(bar.height for group in chart.groups for bar in group.bars)
    assert tallest == pytest.approx(chart.height * 93000 / 100000, abs=0.1)
