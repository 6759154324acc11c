"""The budget's rules, as the services enforce them for every caller."""

import datetime as dt
from decimal import Decimal

import pytest

from budget import services
from budget.models import RequestStatus, SpendingRequest, YearStatus
from budget.queries import year_overview
from governance.models import AuditEntry
from tests.budget.helpers import approve, pay, simple_request

pytestmark = pytest.mark.django_db


def test_a_closed_year_takes_no_requests_approvals_or_payments(cast, year, line):
    draft = simple_request(line, cast.sam, title="Draft")
    services.fiscal_year_set_status(fiscal_year=year, status=YearStatus.CLOSED, actor=cast.sam)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(services.YearClosed, match="2024 fiscal year is closed"):
        simple_request(line, cast.sam, title="Late")
    with pytest.raises(services.YearClosed):
        approve(draft, "10.00", cast.sam)
    with pytest.raises(services.YearClosed):
        pay(line, "10.00", cast.sam)
    with pytest.raises(services.YearClosed):
        services.budget_line_create(
            fiscal_year=year, category="events", title="x", planned=Decimal(1), actor=cast.sam
        )
    assert not SpendingRequest.objects.filter(title="Late").exists()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (YearStatus.DRAFT, YearStatus.APPROVED, True),
        (YearStatus.APPROVED, YearStatus.CLOSED, True),
        (YearStatus.APPROVED, YearStatus.DRAFT, True),
        (YearStatus.DRAFT, YearStatus.CLOSED, False),
        (YearStatus.CLOSED, YearStatus.APPROVED, False),
        (YearStatus.CLOSED, YearStatus.DRAFT, False),
    ],
)
def test_year_status_moves_one_step_and_a_closed_year_stays_closed(
    cast, year, start, target, allowed
):
    year.status = start
    year.save()
    if allowed:
        services.fiscal_year_set_status(fiscal_year=year, status=target, actor=cast.sam)
        year.refresh_from_db()
        assert year.status == target
    else:
        with pytest.raises(services.WrongStatus):
            services.fiscal_year_set_status(fiscal_year=year, status=target, actor=cast.sam)


def test_an_approved_request_is_not_approved_again_or_edited(cast, line):
    spending_request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    with pytest.raises(services.WrongStatus, match="only a draft or proposed"):
        approve(spending_request, "2000.00", cast.sam)
    with pytest.raises(services.WrongStatus):
        services.spending_request_save(
            line=line,
            request=spending_request,
            actor=cast.sam,
            data=services.RequestInput(title="Changed", currency="USD"),
        )
    spending_request.refresh_from_db()
    assert spending_request.approved_amount == Decimal("1000.00")


def test_the_approval_is_audited_with_what_was_requested(cast, line):
    spending_request = simple_request(line, cast.sam, "2613.68")
    approve(spending_request, "3000.00", cast.sam)
    entry = AuditEntry.objects.get(action="budget.request.approve")
    assert entry.actor == cast.sam and entry.board == cast.board
    assert entry.data["approved"] == "3000.00" and entry.data["requested"] == "2613.68"
    assert "USD 3,000.00" in entry.summary and "motion carried" in entry.summary


def test_a_payment_is_converted_at_its_own_rate_and_rounded(cast, line):
    payment = pay(line, "1553.45", cast.sam, currency="GBP", rate="1.6825")
    assert payment.base_amount == Decimal("2613.68")


def test_payments_are_only_for_approved_requests(cast, line):
    draft = simple_request(line, cast.sam)
    with pytest.raises(services.WrongStatus, match="approved requests"):
        pay(line, "10.00", cast.sam, request=draft)


def test_a_sponsor_from_another_board_is_refused(cast, line):
    with pytest.raises(services.BudgetError, match="not an organisation of this board"):
        services.spending_request_save(
            line=line,
            actor=cast.sam,
            data=services.RequestInput(
                title="Shared",
                currency="USD",
                items=[services.CostItemInput(description="x", unit_cost=Decimal(100))],
                shares=[
                    services.SponsorShareInput(organisation=cast.other_org, percentage=Decimal(50))
                ],
            ),
        )
    assert not SpendingRequest.objects.filter(title="Shared").exists()


def test_an_unknown_currency_is_refused_by_the_service_too(cast, line):
    with pytest.raises(services.BudgetError, match="not an ISO 4217"):
        simple_request(line, cast.sam, currency="XYZ", rate="2")


def test_settling_releases_the_unspent_approval(cast, line):
    spending_request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    pay(line, "600.00", cast.sam, request=spending_request, on=dt.date(2024, 7, 1))
    services.spending_request_settle(request=spending_request, actor=cast.sam)
    spending_request.refresh_from_db()
    assert spending_request.status == RequestStatus.PAID
    total = year_overview(line.fiscal_year).total
    assert (total.approved, total.spent, total.approved_unspent) == (
        Decimal("1000.00"),
        Decimal("600.00"),
        Decimal("0.00"),
    )
