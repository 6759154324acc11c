"""Factories for budget rows. They write rows directly, for arranging tests; the tests of rules
go through the services."""

import datetime as dt
from decimal import Decimal

import factory

from budget.models import (
    BudgetLine,
    Category,
    CostItem,
    FiscalYear,
    Payment,
    RequestStatus,
    SpendingRequest,
)
from tests.factories import BoardFactory


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ["board", "year"]

    board = factory.SubFactory(BoardFactory)
    year = 2024
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))
    currency = factory.LazyAttribute(lambda o: o.board.currency)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    fiscal_year = factory.SubFactory(FiscalYearFactory)
    category = Category.EVENTS
    title = factory.Sequence(lambda n: f"Line {n}")
    planned = Decimal("1000.00")


class SpendingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendingRequest

    line = factory.SubFactory(BudgetLineFactory)
    title = factory.Sequence(lambda n: f"Request {n}")
    currency = factory.LazyAttribute(lambda o: o.line.fiscal_year.currency)
    status = RequestStatus.DRAFT


class ApprovedRequestFactory(SpendingRequestFactory):
    status = RequestStatus.APPROVED
    approved_amount = Decimal("500.00")
    approved_on = dt.date(2024, 3, 1)
    approval_reference = "Meeting of 1 March 2024, carried"


class CostItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostItem

    request = factory.SubFactory(SpendingRequestFactory)
    description = factory.Sequence(lambda n: f"Item {n}")
    unit_cost = Decimal("100.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    line = factory.LazyAttribute(lambda o: o.request.line)
    request = factory.SubFactory(ApprovedRequestFactory)
    paid_on = dt.date(2024, 6, 1)
    amount = Decimal("100.00")
    currency = factory.LazyAttribute(lambda o: o.line.fiscal_year.currency)
    exchange_rate = Decimal(1)
    base_amount = factory.LazyAttribute(lambda o: o.amount)
