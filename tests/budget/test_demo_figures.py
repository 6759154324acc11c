"""The demo reproduces every figure of the minutes' Hackathon request."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from budget.models import BudgetLine, FiscalYear, SpendingRequest, YearStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def hackathon():
    call_command("demo", no_serve=True)
    return SpendingRequest.objects.get(title="Hackathon evening social event")


def test_the_hackathon_request_reproduces_the_minutes(hackathon):
    breakdown = hackathon.breakdown("USD")
    by_item = {item.description: item.gross.amount for item in breakdown.items}
    assert by_item == {
        "Venue hire": Decimal("600.00"),
        "Security guard": Decimal("62.50"),
        "Food": Decimal("1796.40"),
        "Drinks": Decimal("648.00"),
    }
    assert str(breakdown.gross) == "GBP 3,106.90"
    [(share, contribution)] = breakdown.contributions
    assert share.organisation.name == "Rackspace" and share.percentage == 50
    assert str(contribution) == "GBP 1,553.45"
    assert str(breakdown.board_share) == "GBP 1,553.45"
    assert hackathon.exchange_rate == Decimal("1.6825")
    assert str(breakdown.requested) == "USD 2,613.68"
    assert hackathon.approved_amount == Decimal("3000.00")
    assert "Approve this expense" in hackathon.approval_reference
    assert "carried" in hackathon.approval_reference


def test_venue_is_500_plus_vat(hackathon):
    venue = hackathon.items.get(description="Venue hire")
    assert (venue.unit_cost, venue.vat_rate, venue.includes_vat) == (Decimal(500), 20, False)
    assert venue.net.amount == Decimal("500.00") and venue.vat.amount == Decimal("100.00")


def test_loading_the_demo_again_adds_nothing(hackathon):
    counts = (
        FiscalYear.objects.count(),
        BudgetLine.objects.count(),
        SpendingRequest.objects.count(),
    )
    call_command("demo", no_serve=True)
    assert counts == (
        FiscalYear.objects.count(),
        BudgetLine.objects.count(),
        SpendingRequest.objects.count(),
    )
    assert FiscalYear.objects.get(year=2014).status == YearStatus.CLOSED
