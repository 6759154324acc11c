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


def next_line(next_year, actor, title, planned="9000.00", category="events"):
    return services.budget_line_create(
        fiscal_year=next_year,
        category=category,
        title=title,
        planned=Decimal(planned),
        actor=actor,
    )


@pytest.mark.parametrize("title", ["Hackathon", "HACKATHON"])
def test_a_line_of_the_same_title_receives_the_carry_and_no_line_is_duplicated(
    cast, year, next_year, ledger, title
):
    existing = next_line(next_year, cast.sam, title)
    year = close(year, cast.sam)
    [move] = carry_over_plan(year).moves
    assert move.target_line == existing
    lines_before = BudgetLine.objects.filter(fiscal_year=next_year).count()

    [continuation] = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)

    assert continuation.line == existing
    assert BudgetLine.objects.filter(fiscal_year=next_year).count() == lines_before
    existing.refresh_from_db()
    assert existing.planned == Decimal("9000.00")


def test_the_secretary_sends_a_line_s_requests_to_another_line(cast, year, next_year, ledger):
    same_title = next_line(next_year, cast.sam, "Hackathon")
    elsewhere = next_line(next_year, cast.sam, "Developer events")
    year = close(year, cast.sam)
    field = f"into-{ledger['half'].line_id}"
    into = {field: str(elsewhere.pk)}
    assert [move.target_line for move in carry_over_plan(year, into).moves] == [elsewhere]
    # A new line is not on offer while the year has a line of that title: the default stands.
    assert carry_over_plan(year, {field: "new"}).moves[0].target_line == same_title
    assert carry_over_plan(year, {field: "not a line"}).moves[0].target_line == same_title
    [choice] = carry_over_plan(year).choices
    assert not choice.new_line_allowed
    assert choice.options == [elsewhere, same_title]

    [continuation] = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam, into=into)

    assert continuation.line == elsewhere
    assert BudgetLine.objects.filter(fiscal_year=next_year).count() == 2


def test_a_new_line_is_made_only_where_none_has_the_title(cast, year, next_year, ledger):
    other = next_line(next_year, cast.sam, "Developer events")
    year = close(year, cast.sam)
    field = f"into-{ledger['half'].line_id}"
    [choice] = carry_over_plan(year).choices
    assert choice.new_line_allowed and choice.selected == "new"
    assert carry_over_plan(year, {field: str(other.pk)}).moves[0].target_line == other

    [continuation] = services.fiscal_year_carry_over(
        fiscal_year=year, actor=cast.sam, into={field: "new"}
    )

    assert continuation.line.title == "Hackathon"
    assert continuation.line.carried_from_id == ledger["half"].line_id


def test_the_page_previews_the_chosen_line_and_carries_onto_it(
    cast, client_for, year, next_year, ledger
):
    next_line(next_year, cast.sam, "Hackathon")
    elsewhere = next_line(next_year, cast.sam, "Developer events")
    close(year, cast.sam)
    url = "/b/test-board/budget/2024/carry-over/"
    field = f"into-{ledger['half'].line_id}"
    secretary = client_for(cast.sam)
    page = secretary.get(url).text
    assert "A new line “" not in page and "existing line" in page
    preview = secretary.get(url, {field: elsewhere.pk}, headers={"HX-Request": "true"})
    assert preview.text.lstrip().startswith('<div id="plan">')
    assert f'<input type="hidden" name="{field}" value="{elsewhere.pk}">' in preview.text
    response = secretary.post(url, {field: str(elsewhere.pk), "confirm": "on"})
    assert response.status_code == 302
    assert SpendingRequest.objects.get(carried_from=ledger["half"]).line == elsewhere


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


def test_long_titles_land_on_their_own_lines(cast, year, next_year):
    long_a, long_b = "L" * 149 + "a", "L" * 149 + "b"
    for title in (long_a, long_b):
        origin = services.budget_line_create(
            fiscal_year=year, category="events", title=title, planned=Decimal(100), actor=cast.sam
        )
        approve(simple_request(origin, cast.sam, "50.00"), "50.00", cast.sam)
        next_line(next_year, cast.sam, title, planned="1")
    year = close(year, cast.sam)
    assert sorted(move.target_title for move in carry_over_plan(year).moves) == [long_a, long_b]

    carried = services.fiscal_year_carry_over(fiscal_year=year, actor=cast.sam)

    assert sorted(c.line.title for c in carried) == [long_a, long_b]
    assert BudgetLine.objects.filter(fiscal_year=next_year).count() == 2
