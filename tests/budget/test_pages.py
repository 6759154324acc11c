"""The budget pages: who reads, who edits, what bad input does, and how many queries they take."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from budget import services
from budget.models import (
    BudgetLine,
    Category,
    CostItem,
    FiscalYear,
    Payment,
    RequestStatus,
    SpendingRequest,
    YearStatus,
)
from governance.models import AuditEntry
from tests.budget.factories import (
    ApprovedRequestFactory,
    BudgetLineFactory,
    CostItemFactory,
    FiscalYearFactory,
    PaymentFactory,
)
from tests.budget.helpers import approve, pay, simple_request

pytestmark = pytest.mark.django_db

MEMBERS = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]
NOT_EDITORS = ["alice", "victor", "alan", "nora"]


@pytest.fixture
def request_(cast, line):
    spending_request = simple_request(line, cast.sam, "1000.00", "Venue hire")
    return approve(spending_request, "1100.00", cast.sam)


def read_urls(year, line, request_):
    slug = year.board.slug
    return [
        reverse("budget:year_list", args=[slug]),
        reverse("budget:year_overview", args=[slug, year.year]),
        reverse("budget:year_export_xlsx", args=[slug, year.year]),
        reverse("budget:year_export_csv", args=[slug, year.year]),
        reverse("budget:carry_over", args=[slug, year.year]),
        reverse("budget:line_detail", args=[slug, line.pk]),
        reverse("budget:request_detail", args=[slug, request_.pk]),
    ]


def edit_urls(year, line, request_):
    slug = year.board.slug
    return [
        reverse("budget:line_create", args=[slug, year.year]),
        reverse("budget:request_create", args=[slug, line.pk]),
        reverse("budget:payment_create", args=[slug, line.pk]),
        reverse("budget:request_edit", args=[slug, request_.pk]),
        reverse("budget:request_approve", args=[slug, request_.pk]),
        reverse("budget:request_reject", args=[slug, request_.pk]),
    ]


@pytest.mark.parametrize("who", MEMBERS)
def test_every_member_reads_every_budget_page(cast, client_for, year, line, request_, who):
    client = client_for(getattr(cast, who))
    for url in read_urls(year, line, request_):
        assert client.get(url).status_code == 200, url


def test_another_boards_member_and_the_public_see_nothing(cast, client_for, year, line, request_):
    for url in read_urls(year, line, request_) + edit_urls(year, line, request_):
        response = client_for(cast.olga).get(url)
        assert response.status_code == 404, url
        assert "Hackathon" not in response.text
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_only_the_secretary_edits(cast, client_for, year, line, request_, who):
    client = client_for(getattr(cast, who))
    for url in edit_urls(year, line, request_):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    slug = year.board.slug
    for name in ("request_propose", "request_settle"):
        assert client.post(reverse(f"budget:{name}", args=[slug, request_.pk])).status_code == 403
    assert (
        client.post(
            reverse("budget:year_status", args=[slug, 2024]), {"status": "closed"}
        ).status_code
        == 403
    )
    assert client.post(reverse("budget:year_list", args=[slug]), {"year": 2030}).status_code == 403
    assert not FiscalYear.objects.filter(year=2030).exists()


def test_the_secretary_sees_the_edit_pages(cast, client_for, year, line, request_):
    client = client_for(cast.sam)
    for url in edit_urls(year, line, request_):
        assert client.get(url).status_code == 200, url


def test_a_voting_member_sees_no_edit_buttons(cast, client_for, year, line, request_):
    page = client_for(cast.victor).get(reverse("budget:line_detail", args=["test-board", line.pk]))
    assert "New spending request" not in page.text
    page = client_for(cast.sam).get(reverse("budget:line_detail", args=["test-board", line.pk]))
    assert "New spending request" in page.text


def test_the_overview_writes_the_definitions_on_the_page(cast, client_for, year, line):
    page = client_for(cast.nora).get(reverse("budget:year_overview", args=["test-board", 2024]))
    assert "Available for allocation" in page.text
    assert "planned minus spent" in page.text
    assert "Approved but unspent" in page.text


def test_the_category_filter_is_kept_in_the_url_and_swaps_the_table(cast, client_for, year, line):
    BudgetLineFactory(fiscal_year=year, category=Category.MARKETING, title="Analyst relations")
    url = reverse("budget:year_overview", args=["test-board", 2024])
    page = client_for(cast.nora).get(url, {"category": "marketing"})
    assert "Analyst relations" in page.text and ">Hackathon<" not in page.text
    partial = client_for(cast.nora).get(
        url, {"category": "events"}, headers={"HX-Request": "true", "HX-Target": "budget-table"}
    )
    assert partial.text.lstrip().startswith('<div id="budget-table"')
    assert "Hackathon" in partial.text and "Analyst relations" not in partial.text


# -- Creating a request through the page -------------------------------------------------------


def request_post(**overrides):
    data = {
        "title": "Hackathon social",
        "currency": "GBP",
        "exchange_rate": "1.6825",
        "requested_on": "2024-05-14",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Venue hire",
        "items-0-quantity": "1",
        "items-0-unit_cost": "500",
        "items-0-vat_rate": "20",
        "items-1-description": "Drinks",
        "items-1-quantity": "1",
        "items-1-unit_cost": "648",
        "items-1-vat_rate": "20",
        "items-1-includes_vat": "on",
        "shares-TOTAL_FORMS": "1",
        "shares-INITIAL_FORMS": "0",
        "shares-0-percentage": "50",
    }
    data.update(overrides)
    return data


def test_the_secretary_creates_a_request_with_items_and_a_sponsor(cast, client_for, line):
    url = reverse("budget:request_create", args=["test-board", line.pk])
    response = client_for(cast.sam).post(
        url, request_post(**{"shares-0-organisation": cast.acme.pk})
    )
    assert response.status_code == 302, response.text
    spending_request = SpendingRequest.objects.get(title="Hackathon social")
    breakdown = spending_request.breakdown("USD")
    assert str(breakdown.gross) == "GBP 1,248.00"
    assert str(breakdown.board_share) == "GBP 624.00"
    assert str(breakdown.requested) == "USD 1,049.88"
    page = client_for(cast.victor).get(response.url)
    assert "1,049.88" in page.text and "Acme Corporation" in page.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"items-0-unit_cost": "-500"}, "greater than or equal to 0"),
        ({"currency": "XYZ"}, "not an ISO 4217 currency code"),
        ({"currency": "pounds"}, "three-letter ISO 4217"),
        ({"items-0-vat_rate": "250"}, "A VAT rate is a percentage between 0 and 100"),
        ({"exchange_rate": "0"}, "greater than or equal to 0.000001"),
        ({"currency": "USD", "exchange_rate": "1.5"}, "base currency: its exchange rate is 1"),
        ({"shares-0-percentage": "", "shares-0-fixed_amount": ""}, "percentage or a fixed"),
        ({"shares-0-percentage": "", "shares-0-fixed_amount": "5000"}, "exceed the total cost"),
        ({"items-0-quantity": "0"}, "greater than or equal to 0.01"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_saved(
    cast, client_for, line, overrides, message
):
    url = reverse("budget:request_create", args=["test-board", line.pk])
    data = request_post(**{"shares-0-organisation": cast.acme.pk, **overrides})
    audit_before = AuditEntry.objects.count()
    response = client_for(cast.sam).post(url, data)
    assert response.status_code == 200
    assert message in response.text
    assert "Nothing was saved" in response.text
    assert not SpendingRequest.objects.filter(title="Hackathon social").exists()
    assert not CostItem.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_negative_planned_amount_is_refused(cast, client_for, year):
    url = reverse("budget:line_create", args=["test-board", 2024])
    response = client_for(cast.sam).post(
        url, {"category": "events", "title": "Summit", "planned": "-1"}
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.text
    assert not BudgetLine.objects.filter(title="Summit").exists()


def test_a_request_in_a_closed_year_is_refused(cast, client_for, year, line):
    services.fiscal_year_set_status(fiscal_year=year, status=YearStatus.CLOSED, actor=cast.sam)
    url = reverse("budget:request_create", args=["test-board", line.pk])
    response = client_for(cast.sam).post(url, request_post(**{"shares-TOTAL_FORMS": "0"}))
    assert response.status_code == 200
    assert "The 2024 fiscal year is closed" in response.text
    assert not SpendingRequest.objects.exists()


def test_recording_an_approval_and_a_payment_through_the_pages(cast, client_for, line):
    spending_request = simple_request(line, cast.sam, "2613.68", "Social event")
    client = client_for(cast.sam)
    response = client.post(
        reverse("budget:request_approve", args=["test-board", spending_request.pk]),
        {
            "approved_amount": "3000.00",
            "approved_on": "2024-05-15",
            "approved_by": "Test Board",
            "reference": "Meeting 15 May 2024, motion 'Approve this expense', carried",
        },
    )
    assert response.status_code == 302
    spending_request.refresh_from_db()
    assert spending_request.status == RequestStatus.APPROVED
    assert spending_request.approved_amount == Decimal("3000.00")
    assert spending_request.approval_recorded_by == cast.sam
    response = client.post(
        reverse("budget:payment_create", args=["test-board", line.pk])
        + f"?request={spending_request.pk}",
        {
            "paid_on": "2024-06-30",
            "amount": "1553.45",
            "currency": "GBP",
            "exchange_rate": "1.7072",
            "reference": "Invoice 1",
        },
    )
    assert response.status_code == 302
    assert Payment.objects.get().base_amount == Decimal("2652.05")
    page = client_for(cast.victor).get(spending_request.get_absolute_url())
    assert "Approve this expense" in page.text and "2,652.05" in page.text
    assert AuditEntry.objects.filter(action="budget.request.approve").count() == 1
    assert AuditEntry.objects.filter(action="budget.payment.record").count() == 1


def test_an_approval_without_a_reference_is_refused(cast, line):
    spending_request = simple_request(line, cast.sam)
    with pytest.raises(services.BudgetError, match="where the approval is recorded"):
        services.spending_request_approve(
            request=spending_request,
            amount=Decimal("10.00"),
            approved_on=dt.date(2024, 1, 1),
            approved_by="",
            reference=" ",
            actor=cast.sam,
        )


def test_a_payment_outside_the_year_is_refused(cast, line):
    with pytest.raises(services.BudgetError, match="outside the 2024 fiscal year"):
        pay(line, "10.00", cast.sam, on=dt.date(2026, 1, 1))
    assert not Payment.objects.exists()


def test_the_secretary_creates_a_year_and_a_duplicate_is_refused(cast, client_for, board):
    client = client_for(cast.sam)
    url = reverse("budget:year_list", args=["test-board"])
    assert client.post(url, {"year": "2031"}).status_code == 302
    year = FiscalYear.objects.get(year=2031)
    assert (year.starts_on, year.ends_on, year.currency) == (
        dt.date(2031, 1, 1),
        dt.date(2031, 12, 31),
        "USD",
    )
    response = client.post(url, {"year": "2031"})
    assert response.status_code == 200 and "already exists" in response.text


def test_the_dashboard_shows_the_budget_at_a_glance(cast, client_for, year, line, request_):
    pay(line, "250.00", cast.sam, request=request_)
    page = client_for(cast.nora).get(reverse("dashboard", args=["test-board"]))
    assert "Budget at a glance" in page.text
    assert "USD 7,750.00" in page.text


@pytest.mark.parametrize(
    ("years", "shown"),
    [
        # This year's budget is shown whatever its status, even a draft.
        ({2024: YearStatus.APPROVED, "this": YearStatus.DRAFT}, "this"),
        ({2024: YearStatus.DRAFT, "this": YearStatus.APPROVED}, "this"),
        # With none this year, the newest that is not a draft.
        ({2023: YearStatus.APPROVED, 2024: YearStatus.APPROVED, 2025: YearStatus.DRAFT}, 2024),
        ({2024: YearStatus.DRAFT}, None),
    ],
)
def test_the_dashboard_card_picks_this_year_else_the_newest_not_in_draft(cast, years, shown):
    from django.utils import timezone

    from budget.queries import year_at_a_glance

    this_year = timezone.localdate().year
    for year, status in years.items():
        FiscalYearFactory(
            board=cast.board, year=this_year if year == "this" else year, status=status
        )
    chosen = year_at_a_glance(cast.board)
    expected = this_year if shown == "this" else shown
    assert (chosen.year if chosen else None) == expected


def test_the_dashboard_leaves_the_card_out_without_a_budget(cast, client_for):
    page = client_for(cast.nora).get(reverse("dashboard", args=["test-board"]))
    assert "Budget at a glance" not in page.text


# -- Query budgets -------------------------------------------------------------------------------


def populate(year, count):
    for number in range(count):
        line = BudgetLineFactory(
            fiscal_year=year, category=Category.values[number % 5], title=f"Line {number}"
        )
        request = ApprovedRequestFactory(line=line, approved_amount=Decimal("300.00"))
        CostItemFactory(request=request)
        PaymentFactory(request=request, line=line, amount=Decimal("120.00"))
    return line, request


@pytest.mark.parametrize("count", [5, 500])
def test_the_overview_takes_a_fixed_number_of_queries(
    cast, client_for, year, count, django_assert_max_num_queries
):
    populate(year, count)
    client = client_for(cast.sam)
    url = reverse("budget:year_overview", args=["test-board", 2024])
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert f"{count * 120:,}.00" in response.text


@pytest.mark.parametrize("count", [5, 500])
def test_line_and_request_pages_take_a_fixed_number_of_queries(
    cast, client_for, year, count, django_assert_max_num_queries
):
    line, request = populate(year, 1)
    for number in range(count):
        extra = ApprovedRequestFactory(line=line, title=f"Extra {number}")
        CostItemFactory(request=request, description=f"Item {number}")
        CostItemFactory(request=extra)
        PaymentFactory(request=request, line=line, amount=Decimal("1.00"))
    client = client_for(cast.sam)
    with django_assert_max_num_queries(9):
        assert (
            client.get(
                reverse("budget:request_detail", args=["test-board", request.pk])
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(9):
        assert (
            client.get(reverse("budget:line_detail", args=["test-board", line.pk])).status_code
            == 200
        )


@pytest.mark.parametrize("count", [5, 500])
def test_the_year_list_and_export_take_a_fixed_number_of_queries(
    cast, client_for, year, count, django_assert_max_num_queries
):
    populate(year, count)
    client = client_for(cast.sam)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("budget:year_list", args=["test-board"])).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            client.get(reverse("budget:year_export_xlsx", args=["test-board", 2024])).status_code
            == 200
        )


def test_the_error_summary_names_the_row_and_field(cast, client_for, line):
    url = reverse("budget:request_create", args=["test-board", line.pk])
    data = request_post(**{"shares-0-organisation": cast.acme.pk, "items-1-vat_rate": "250"})
    response = client_for(cast.sam).post(url, data)
    assert "Cost item 2, VAT %: A VAT rate is a percentage between 0 and 100." in response.text


def test_every_money_column_names_its_currency(cast, client_for, year, line, request_):
    client = client_for(cast.nora)
    overview = client.get(reverse("budget:year_overview", args=["test-board", 2024])).text
    for label in (
        "Planned",
        "Approved",
        "Spent",
        "Approved but unspent",
        "Available for allocation",
    ):
        assert f'class="num">{label} (USD)</th>' in overview
    detail = client.get(reverse("budget:request_detail", args=["test-board", request_.pk])).text
    assert "VAT rate</th>" in detail and "Net (USD)</th>" in detail and "VAT (USD)</th>" in detail
    line_page = client.get(reverse("budget:line_detail", args=["test-board", line.pk])).text
    assert 'class="num">Paid (USD)</th>' in line_page
    assert '<span class="currency">USD</span> 8,000.00' in line_page


def test_the_error_summary_links_each_row_error_to_its_field(cast, client_for, line):
    url = reverse("budget:request_create", args=["test-board", line.pk])
    data = request_post(**{"shares-0-organisation": cast.acme.pk, "items-1-vat_rate": "250"})
    response = client_for(cast.sam).post(url, data)
    assert '<a href="#id_items-1-vat_rate">Cost item 2, VAT %' in response.text
