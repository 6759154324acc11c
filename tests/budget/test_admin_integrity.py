"""The budget admin is a caller of the budget services: each rule here holds for the admin too.

Forms are posted as the admin renders them (tests.integrity.admin_forms), so read-only fields
are sent only when a person types them into the request by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
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
from tests.budget.factories import FiscalYearFactory
from tests.budget.helpers import approve, pay, simple_request
from tests.integrity.admin_forms import form_data, messages_of, signed_in_superuser, with_values

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database key is PostgreSQL's"
)


@pytest.fixture
def admin_client(cast, client_for):
    return signed_in_superuser(cast.sam, client_for)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:budget_{model._meta.model_name}_{view}", args=args)


def new_line(year, actor, title="Travel", planned="500.00"):
    return services.budget_line_create(
        fiscal_year=year,
        category=Category.OPERATIONS,
        title=title,
        planned=Decimal(planned),
        actor=actor,
    )


# -- A payment's line is its request's line --------------------------------------------------------


@pytest.fixture
def paid(cast, line):
    request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    return pay(line, "100.00", cast.sam, request=request)


@on_postgres
def test_the_database_refuses_a_payment_on_another_line_than_its_request(cast, year, paid):
    other = new_line(year, cast.sam)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=paid.pk).update(line=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            line=other,
            request=paid.request,
            paid_on=dt.date(2024, 6, 1),
            amount=Decimal(1),
            currency="USD",
            base_amount=Decimal(1),
        )
    assert Payment.objects.get(pk=paid.pk).line_id == paid.request.line_id


@on_postgres
def test_the_database_refuses_moving_a_paid_request_to_another_line(cast, year, paid):
    other = new_line(year, cast.sam)
    with pytest.raises(IntegrityError), transaction.atomic():
        SpendingRequest.objects.filter(pk=paid.request_id).update(line=other)


@on_postgres
def test_a_payment_on_a_line_alone_is_not_tied_to_a_request(cast, year, line):
    other = new_line(year, cast.sam)
    payment = pay(line, "50.00", cast.sam)
    Payment.objects.filter(pk=payment.pk).update(line=other)  # no request: nothing to agree with
    assert Payment.objects.get(pk=payment.pk).line == other


def test_the_service_refuses_a_payment_on_another_line_than_its_request(cast, year, line):
    request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    other = new_line(year, cast.sam)
    with pytest.raises(services.BudgetError, match="that request's line"):
        pay(other, "100.00", cast.sam, request=request)
    assert not Payment.objects.exists()


def test_the_admin_refuses_a_payment_on_another_line_with_a_message(cast, admin_client, year, line):
    request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    other = new_line(year, cast.sam)
    data = with_values(
        form_data(admin_client, url(Payment, "add")),
        {
            "line": other.pk,
            "request": request.pk,
            "paid_on": "2024-06-01",
            "amount": "100.00",
            "currency": "USD",
            "exchange_rate": "1",
            "reference": "INV-7",
        },
    )
    response = admin_client.post(url(Payment, "add"), data)
    assert response.status_code == 200  # the form again, as it was sent, with the reason
    assert "that request&#x27;s line" in response.text
    assert response.context["adminform"].form["reference"].value() == data["reference"][0]
    assert not Payment.objects.exists()
    assert not AuditEntry.objects.filter(action="budget.payment.record").exists()


# -- Adding and changing go through the services ---------------------------------------------------


def test_a_payment_for_a_request_takes_the_request_line_when_none_is_chosen(
    cast, admin_client, line
):
    request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    fields = {"paid_on": "2024-06-01", "amount": "10.00", "currency": "USD", "exchange_rate": "1"}
    blank = with_values(form_data(admin_client, url(Payment, "add")), fields)
    response = admin_client.post(url(Payment, "add"), blank)
    assert response.status_code == 200 and "Choose the line paid on" in response.text
    response = admin_client.post(url(Payment, "add"), with_values(blank, {"request": request.pk}))
    assert response.status_code == 302
    assert Payment.objects.get().line == line


def test_a_year_added_in_the_admin_takes_the_board_currency_and_is_a_draft(cast, admin_client):
    data = with_values(
        form_data(admin_client, url(FiscalYear, "add")),
        {
            "board": cast.board.pk,
            "year": 2031,
            "starts_on": "2031-01-01",
            "ends_on": "2031-12-31",
            "status": YearStatus.CLOSED,  # read-only: typed by hand, ignored
            "currency": "EUR",
        },
    )
    assert admin_client.post(url(FiscalYear, "add"), data).status_code == 302
    added = FiscalYear.objects.get(year=2031)
    assert (added.status, added.currency) == (YearStatus.DRAFT, cast.board.currency)
    entry = AuditEntry.objects.get(action="budget.year.create")
    assert entry.actor == cast.sam and entry.changes["year"] == [None, 2031]


def test_a_line_changed_in_the_admin_is_audited_with_before_and_after(cast, admin_client, line):
    data = with_values(
        form_data(admin_client, url(BudgetLine, "change", line.pk)), {"planned": "9000.00"}
    )
    assert admin_client.post(url(BudgetLine, "change", line.pk), data).status_code == 302
    entry = AuditEntry.objects.get(action="budget.line.update")
    assert entry.actor == cast.sam
    assert entry.changes == {"planned": ["8000.00", "9000.00"]}


def test_an_unchanged_save_writes_no_audit_entry(admin_client, line):
    data = form_data(admin_client, url(BudgetLine, "change", line.pk))
    assert admin_client.post(url(BudgetLine, "change", line.pk), data).status_code == 302
    assert not AuditEntry.objects.filter(action="budget.line.update").exists()


def test_a_payment_added_in_the_admin_converts_itself_whatever_is_typed(cast, admin_client, line):
    data = with_values(
        form_data(admin_client, url(Payment, "add")),
        {
            "line": line.pk,
            "paid_on": "2024-06-30",
            "amount": "100.00",
            "currency": "GBP",
            "exchange_rate": "1.5",
            "base_amount": "1.00",  # read-only: typed by hand, ignored
        },
    )
    assert admin_client.post(url(Payment, "add"), data).status_code == 302
    payment = Payment.objects.get()
    assert (payment.base_amount, payment.recorded_by) == (Decimal("150.00"), cast.sam)


def test_a_decided_request_is_view_only_in_the_admin(cast, admin_client, line):
    request = approve(simple_request(line, cast.sam), "1000.00", cast.sam)
    change = url(SpendingRequest, "change", request.pk)
    assert admin_client.get(change).status_code == 200  # readable
    data = {"title": "Rewritten", "line": line.pk, "currency": "USD", "exchange_rate": "1"}
    assert admin_client.post(change, data).status_code == 403
    assert SpendingRequest.objects.get(pk=request.pk).title == "Venue"


def test_a_closed_year_is_view_only_in_the_admin(cast, admin_client, year, line):
    services.fiscal_year_set_status(fiscal_year=year, status=YearStatus.CLOSED, actor=cast.sam)
    assert admin_client.post(url(FiscalYear, "change", year.pk), {"notes": "x"}).status_code == 403
    assert (
        admin_client.post(url(BudgetLine, "change", line.pk), {"planned": "1"}).status_code == 403
    )


def test_the_year_status_changes_by_an_admin_action_that_is_audited(cast, admin_client, year):
    response = admin_client.post(
        url(FiscalYear, "changelist"),
        {"action": "mark_closed", "_selected_action": [year.pk]},
    )
    assert response.status_code == 302
    assert FiscalYear.objects.get(pk=year.pk).status == YearStatus.CLOSED
    entry = AuditEntry.objects.get(action="budget.year.closed")
    assert entry.changes == {"status": ["approved", "closed"]}


def test_a_refused_year_status_changes_no_year(cast, admin_client, year):
    draft = FiscalYearFactory(board=cast.board, year=2025)  # draft: cannot be closed
    admin_client.post(
        url(FiscalYear, "changelist"),
        {"action": "mark_closed", "_selected_action": [year.pk, draft.pk]},
    )
    assert "Nothing was changed" in messages_of(admin_client)
    assert FiscalYear.objects.get(pk=year.pk).status == YearStatus.APPROVED


# -- An inconsistent formset is refused whole ------------------------------------------------------


def request_with_rows(client, line, **rows):
    return with_values(
        form_data(client, url(SpendingRequest, "add")),
        {
            "line": line.pk,
            "title": "Catering",
            "currency": "USD",
            "exchange_rate": "1",
            "items-TOTAL_FORMS": 1,
            "items-0-position": 1,
            "items-0-description": "Lunch",
            "items-0-quantity": "1",
            "items-0-unit_cost": "100.00",
            "items-0-vat_rate": "0",
            **rows,
        },
    )


def test_sponsors_paying_more_than_the_cost_are_refused_and_nothing_is_saved(
    cast, admin_client, line
):
    data = request_with_rows(
        admin_client,
        line,
        **{
            "sponsor_shares-TOTAL_FORMS": 1,
            "sponsor_shares-0-organisation": cast.acme.pk,
            "sponsor_shares-0-fixed_amount": "500.00",
        },
    )
    response = admin_client.post(url(SpendingRequest, "add"), data)
    assert response.status_code == 200  # the form again, with the reason at its top
    assert "exceed the total cost" in response.text
    assert 'value="Lunch"' in response.text  # what was typed is kept
    assert not SpendingRequest.objects.exists() and not CostItem.objects.exists()
    assert not AuditEntry.objects.filter(action="budget.request.save").exists()


def test_the_same_sponsor_twice_is_an_error_on_the_form(cast, admin_client, line):
    share = {"organisation": cast.acme.pk, "percentage": "10"}
    data = request_with_rows(
        admin_client,
        line,
        **{"sponsor_shares-TOTAL_FORMS": 2}
        | {f"sponsor_shares-{n}-{name}": value for n in (0, 1) for name, value in share.items()},
    )
    response = admin_client.post(url(SpendingRequest, "add"), data)
    assert response.status_code == 200
    assert "duplicate" in response.text.lower()
    assert not SpendingRequest.objects.exists()


def test_a_sponsor_of_another_board_is_refused(cast, admin_client, line):
    data = request_with_rows(
        admin_client,
        line,
        **{
            "sponsor_shares-TOTAL_FORMS": 1,
            "sponsor_shares-0-organisation": cast.other_org.pk,
            "sponsor_shares-0-percentage": "10",
        },
    )
    response = admin_client.post(url(SpendingRequest, "add"), data)
    assert "not an organisation of this board" in response.text
    assert not SpendingRequest.objects.exists()


def test_a_request_saved_with_its_items_is_audited_once_with_before_and_after(
    cast, admin_client, line
):
    request = simple_request(line, cast.sam)
    change = url(SpendingRequest, "change", request.pk)
    data = with_values(form_data(admin_client, change), {"items-0-unit_cost": "1200.00"})
    assert admin_client.post(change, data).status_code == 302
    entry = AuditEntry.objects.filter(action="budget.request.save").latest("pk")
    assert entry.actor == cast.sam
    assert entry.changes["items"] == [
        ["Venue: 1 × 1000.00 + VAT 0%"],
        ["Venue: 1 × 1200.00 + VAT 0%"],
    ]
    assert request.items.get().unit_cost == Decimal("1200.00")


def test_two_new_lines_with_one_title_in_the_year_form_save_nothing(cast, admin_client, year):
    change = url(FiscalYear, "change", year.pk)
    rows = {"category": Category.EVENTS, "title": "Sprint", "planned": "10.00"}
    data = with_values(
        form_data(admin_client, change),
        {"lines-TOTAL_FORMS": 2}
        | {f"lines-{n}-{name}": value for n in (0, 1) for name, value in rows.items()},
    )
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert not BudgetLine.objects.exists()


def test_lines_edited_in_the_year_form_go_through_the_services(cast, admin_client, year, line):
    change = url(FiscalYear, "change", year.pk)
    data = with_values(
        form_data(admin_client, change),
        {
            "lines-0-planned": "7000.00",
            "lines-TOTAL_FORMS": 2,
            "lines-1-category": Category.COMMUNITY,
            "lines-1-title": "Meetups",
            "lines-1-planned": "300.00",
        },
    )
    assert admin_client.post(change, data).status_code == 302
    assert BudgetLine.objects.get(pk=line.pk).planned == Decimal("7000.00")
    assert BudgetLine.objects.get(title="Meetups").fiscal_year == year
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "budget.line.update",
        "budget.line.create",
    }


# -- Deleting --------------------------------------------------------------------------------------


def test_delete_selected_audits_each_line_and_the_pages_show_it_at_once(
    cast, admin_client, client_for, year
):
    lines = [new_line(year, cast.sam, title=title) for title in ("Printing", "Postage")]
    member = client_for(cast.victor)
    overview = reverse("budget:year_overview", args=[cast.board.slug, year.year])
    assert "Printing" in member.get(overview).text
    response = admin_client.post(
        url(BudgetLine, "changelist"),
        {"action": "delete_selected", "_selected_action": [x.pk for x in lines], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEntry.objects.filter(action="budget.line.delete", actor=cast.sam)
    assert sorted(deleted.values_list("target_id", flat=True)) == sorted(str(x.pk) for x in lines)
    assert all(entry.changes["title"][1] is None for entry in deleted)
    page = member.get(overview).text
    assert "Printing" not in page and "Postage" not in page


def test_delete_selected_with_one_line_in_use_is_refused_by_the_admin(cast, admin_client, line):
    simple_request(line, cast.sam)  # its request protects it
    response = admin_client.post(
        url(BudgetLine, "changelist"),
        {"action": "delete_selected", "_selected_action": [line.pk], "post": "yes"},
    )
    assert response.status_code == 200 and "Cannot delete" in response.text
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_delete_selected_with_one_line_of_a_closed_year_deletes_none(cast, admin_client, year):
    old_year = FiscalYearFactory(board=cast.board, year=2023, status=YearStatus.APPROVED)
    old_line = new_line(old_year, cast.sam)
    services.fiscal_year_set_status(fiscal_year=old_year, status=YearStatus.CLOSED, actor=cast.sam)
    spare = new_line(year, cast.sam)
    admin_client.post(
        url(BudgetLine, "changelist"),
        {"action": "delete_selected", "_selected_action": [spare.pk, old_line.pk], "post": "yes"},
    )
    assert "Nothing was deleted. The 2023 fiscal year is closed" in messages_of(admin_client)
    assert BudgetLine.objects.filter(pk__in=[old_line.pk, spare.pk]).count() == 2
    assert not AuditEntry.objects.filter(action="budget.line.delete").exists()


def test_a_draft_request_deleted_in_the_admin_takes_its_items_and_is_audited(
    cast, admin_client, line
):
    request = simple_request(line, cast.sam)
    response = admin_client.post(url(SpendingRequest, "delete", request.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not SpendingRequest.objects.exists() and not CostItem.objects.exists()
    entry = AuditEntry.objects.get(action="budget.request.delete")
    assert entry.changes["title"] == ["Venue", None]


def test_a_proposed_request_cannot_be_deleted(cast, admin_client, line):
    request = services.spending_request_propose(
        request=simple_request(line, cast.sam), actor=cast.sam
    )
    response = admin_client.post(url(SpendingRequest, "delete", request.pk), {"post": "yes"})
    assert response.status_code == 403
    assert SpendingRequest.objects.get(pk=request.pk).status == RequestStatus.PROPOSED


def test_a_payment_is_taken_back_with_a_reason(cast, admin_client, paid):
    delete = url(Payment, "delete", paid.pk)
    assert admin_client.post(delete, {"post": "yes", "reason": "  "}).status_code == 302
    assert "Say why" in messages_of(admin_client)
    assert Payment.objects.filter(pk=paid.pk).exists()
    response = admin_client.post(delete, {"post": "yes", "reason": "Recorded twice"})
    assert response.status_code == 302
    assert not Payment.objects.filter(pk=paid.pk).exists()
    entry = AuditEntry.objects.get(action="budget.payment.delete")
    assert entry.actor == cast.sam and "Recorded twice" in entry.summary
    assert entry.changes["amount"] == ["100.00", None]


def test_payments_cannot_be_changed_or_bulk_deleted(cast, admin_client, paid):
    change = url(Payment, "change", paid.pk)
    assert admin_client.post(change, {"amount": "1.00"}).status_code == 403
    admin_client.post(
        url(Payment, "changelist"),
        {"action": "delete_selected", "_selected_action": [paid.pk], "post": "yes"},
    )
    assert Payment.objects.get(pk=paid.pk).amount == Decimal("100.00")


def test_a_year_with_lines_cannot_be_deleted(cast, admin_client, year, line):
    response = admin_client.post(url(FiscalYear, "delete", year.pk), {"post": "yes"})
    assert response.status_code == 200  # the admin lists what protects it
    assert FiscalYear.objects.filter(pk=year.pk).exists()


def test_an_empty_approved_year_is_refused_by_the_service(cast, admin_client):
    year = FiscalYearFactory(board=cast.board, year=2026, status=YearStatus.APPROVED)
    response = admin_client.post(url(FiscalYear, "delete", year.pk), {"post": "yes"})
    assert response.status_code == 302
    assert "only a draft year can be deleted" in messages_of(admin_client)
    assert FiscalYear.objects.filter(pk=year.pk).exists()


# -- Who may ---------------------------------------------------------------------------------------


def test_a_member_is_sent_to_sign_in(cast, client_for, line):
    for person in (None, cast.victor):
        response = client_for(person).get(url(BudgetLine, "changelist"))
        assert response.status_code == 302 and "login" in response.url


def test_staff_without_budget_permissions_are_refused(cast, client_for, line):
    cast.sam.is_staff = True
    cast.sam.save()
    secretary = client_for(cast.sam)
    assert secretary.get(url(BudgetLine, "changelist")).status_code == 403
    assert secretary.post(url(BudgetLine, "add"), {"title": "x"}).status_code == 403
    assert BudgetLine.objects.count() == 1


def test_a_secretary_given_budget_permissions_edits_through_the_services(cast, client_for, year):
    cast.sam.is_staff = True
    cast.sam.save()
    cast.sam.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="budget", codename__in=["add_budgetline", "view_budgetline"]
        )
    )
    secretary = client_for(cast.sam)
    data = with_values(
        form_data(secretary, url(BudgetLine, "add")),
        {
            "fiscal_year": year.pk,
            "category": Category.EVENTS,
            "title": "Hall",
            "planned": "10.00",
        },
    )
    assert secretary.post(url(BudgetLine, "add"), data).status_code == 302
    assert AuditEntry.objects.get(action="budget.line.create").actor == cast.sam
