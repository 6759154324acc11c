"""Service calls the budget tests repeat, with the test year's defaults."""

import datetime as dt
from decimal import Decimal

from budget import services


def approve(request, amount, actor, on=dt.date(2024, 3, 1)):
    return services.spending_request_approve(
        request=request,
        amount=Decimal(amount),
        approved_on=on,
        approved_by="Test Board",
        reference="Meeting of 1 March 2024, motion carried",
        actor=actor,
    )


def pay(line, amount, actor, request=None, currency="USD", rate="1", on=dt.date(2024, 6, 1)):
    return services.payment_record(
        line=line,
        request=request,
        paid_on=on,
        amount=Decimal(amount),
        currency=currency,
        exchange_rate=Decimal(rate),
        reference="Invoice",
        actor=actor,
    )


def simple_request(line, actor, cost="1000.00", title="Venue", currency="USD", rate="1"):
    return services.spending_request_save(
        line=line,
        actor=actor,
        data=services.RequestInput(
            title=title,
            currency=currency,
            exchange_rate=Decimal(rate),
            items=[services.CostItemInput(description="Venue", unit_cost=Decimal(cost))],
        ),
    )
