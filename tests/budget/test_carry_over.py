"""Year-end carry-over: what the preview shows is what moves; nothing moves twice or too early."""

from decimal import Decimal

import pytest

from budget import services
from budget.models import BudgetLine, RequestStatus, SpendingRequest, YearStatus
from budget.queries import carry_over_plan, year_overview
from governance.models import AuditEntry
from tests.budget.factories import FiscalYearFactory
from tests.budget.helpers import approve, pay, simple_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_year(cast):
    return FiscalYearFactory(board=cast.board, year=2025, status=YearStatus.DRAFT)


@pytest.fixture
def ledger(cast, line):
    """On 2024's Hackathon line: one request half spent, one fully spent, one settled early."""
    half = approve(simple_request(line, cast.sam, "1000.00", "Half spent"), "1000.00", cast.sam)
    pay(line, "400.00", cast.sam, request=half)
    full = approve(simple_request(line, cast.sam, "300.00", "Fully spent"), "300.00", cast.sam)
    pay(line, "300.00", cast.sam, request=full)
    settled = approve(simple_request(line, cast.sam, "200.00", "Settled"), "200.00", cast.sam)
    pay(line, "50.00", cast.sam, request=settled)
    services.spending_request_settle(request=settled, actor=cast.sam)
    simple_request(line, cast.sam, "999.00", "Never approved")
    return {"half": half, "full": full, "settled": settled}


def close(fiscal_year, actor):
    return services.fiscal_year_set_status(
        fiscal_year=fiscal_year, status=YearStatus.CLOSED, actor=actor
    )


def test_preview_equals_result(cast, year, next_year, ledger):
    year = close(year, cast.sam)
    plan = carry_over_plan(year)
    assert plan.refusal == ""
    preview = [(move.request.pk, move.amount, move.target_title) for move in plan.moves]
    assert preview == [(ledger["half"].pk, Decimal("600.00"), "Hackathon")]

    carried = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)

    result = [(c.carried_from_id, c.approved_amount, c.line.title) for c in carried]
    assert result == preview
    [continuation] = carried
    assert continuation.status == RequestStatus.APPROVED
    assert continuation.line.fiscal_year == next_year
    assert continuation.line.carried_from_id == ledger["half"].line_id
    assert continuation.line.planned == Decimal("600.00")
    assert continuation.breakdown("USD").requested.amount == Decimal("600.00")
    ledger["half"].refresh_from_db()
    assert ledger["half"].status == RequestStatus.CARRIED
    assert AuditEntry.objects.filter(action="budget.request.carry_over").count() == 1


def test_running_it_twice_moves_nothing_twice(cast, year, next_year, ledger):
    year = close(year, cast.sam)
    services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)
    counts = (SpendingRequest.objects.count(), BudgetLine.objects.count())

    assert carry_over_plan(year).moves == []
    assert services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam) == []
    assert counts == (SpendingRequest.objects.count(), BudgetLine.objects.count())


def test_the_closed_year_keeps_what_it_approved_and_stops_holding_what_moved(
    cast, year, next_year, ledger
):
    year = close(year, cast.sam)
    before = year_overview(year).total
    services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)
    after = year_overview(year).total
    assert after.approved == before.approved == Decimal("1500.00")
    assert before.approved_unspent == Decimal("600.00")
    assert after.approved_unspent == Decimal("0.00")
    assert year_overview(next_year).total.approved_unspent == Decimal("600.00")


@pytest.mark.parametrize("status", [YearStatus.DRAFT, YearStatus.APPROVED])
def test_nothing_is_carried_from_an_open_year(cast, year, next_year, ledger, status):
    year.status = status
    year.save()
    plan = carry_over_plan(year)
    assert "close the year first" in plan.refusal
    with pytest.raises(services.CarryOverRefused, match="close the year first"):
        services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)
    assert not SpendingRequest.objects.filter(carried_from__isnull=False).exists()


def test_carry_over_needs_the_next_year(cast, year, ledger):
    year = close(year, cast.sam)
    with pytest.raises(services.CarryOverRefused, match="no 2025 fiscal year"):
        services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)


def test_a_line_that_already_continues_the_old_one_receives_the_carry(
    cast, year, next_year, ledger, line
):
    prepared = services.budget_line_create(
        fiscal_year=next_year,
        category=line.category,
        title="Hackathon 2025",
        planned=Decimal("5000.00"),
        carried_from=line,
        actor=cast.sam,
    )
    year = close(year, cast.sam)
    assert carry_over_plan(year).moves[0].target_line == prepared
    [continuation] = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)
    assert continuation.line == prepared
    prepared.refresh_from_db()
    assert prepared.planned == Decimal("5000.00")


def test_a_taken_title_gets_a_new_line_that_says_where_it_came_from(
    cast, year, next_year, ledger, line
):
    services.budget_line_create(
        fiscal_year=next_year,
        category=line.category,
        title="Hackathon",
        planned=Decimal("9000.00"),
        actor=cast.sam,
    )
    year = close(year, cast.sam)
    [continuation] = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)
    assert continuation.line.title == "Hackathon (carried over from 2024)"


def test_the_carry_over_page_previews_and_the_secretary_runs_it(
    cast, client_for, year, next_year, ledger
):
    close(year, cast.sam)
    url = "/b/test-board/budget/2024/carry-over/"
    page = client_for(cast.victor).get(url)
    assert "Half spent" in page.text and "600.00" in page.text
    assert "Carry over into 2025" not in page.text
    assert client_for(cast.victor).post(url).status_code == 403
    response = client_for(cast.sam).post(url)
    assert response.status_code == 302
    assert SpendingRequest.objects.filter(carried_from=ledger["half"]).count() == 1
    client_for(cast.sam).post(url)
    assert SpendingRequest.objects.filter(carried_from__isnull=False).count() == 1


def test_a_carried_line_gets_a_free_title_within_the_column(cast, year, next_year):
    long_a, long_b = "L" * 149 + "a", "L" * 149 + "b"
    for title in (long_a, long_b):
        origin = services.budget_line_create(
            fiscal_year=year, category="events", title=title, planned=Decimal(100), actor=cast.sam
        )
        approve(simple_request(origin, cast.sam, "50.00"), "50.00", cast.sam)
        services.budget_line_create(
            fiscal_year=next_year, category="events", title=title, planned=1, actor=cast.sam
        )
    year = close(year, cast.sam)
    titles = [move.target_title for move in carry_over_plan(year).moves]
    assert len(set(titles)) == 2
    assert all(len(title) <= 150 and "(carried over from 2024)" in title for title in titles)

    carried = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)

    assert sorted(c.line.title for c in carried) == sorted(titles)
