"""The budget pages. Members read; the secretary edits. Each view checks access, calls one query
or service, and renders."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from budget import approvals, export, queries, services
from budget.access import (
    can_edit_budget,
    get_line_for,
    get_request_for,
    get_year_for,
    require_budget_editor,
)
from budget.forms import (
    MOST_COST_ITEMS,
    MOST_SPONSORS,
    ApprovalForm,
    BudgetLineForm,
    CostItemFormSet,
    FiscalYearForm,
    PaymentForm,
    PutToBoardForm,
    RejectionForm,
    SpendingRequestForm,
    SponsorShareFormSet,
    request_input,
    typed_rows,
    with_rows,
)
from budget.models import Category, RequestStatus, SpendingRequest, YearStatus
from governance.access import get_board_for


def _refuse(form, error: Exception) -> None:
    """A service's refusal shown on the form, at the top, without losing what was typed."""
    if isinstance(error, ValidationError):
        for message in services.validation_messages(error):
            form.add_error(None, message)
    else:
        form.add_error(None, str(error))


def _closed_year_page(
    request: HttpRequest, *, board, fiscal_year, title: str, cannot: str, back: str, **extra
) -> HttpResponse:
    """A form of a closed year says so up front and offers nothing to fill in."""
    return render(
        request,
        "budget/form_page.html",
        {
            "board": board,
            "fiscal_year": fiscal_year,
            "form": None,
            "title": title,
            "closed": f"The {fiscal_year.year} fiscal year is closed: {cannot}",
            "back": back,
            **extra,
        },
    )


def year_list(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    form = FiscalYearForm(request.POST or None)
    if request.method == "POST":
        require_budget_editor(standing)
        if form.is_valid():
            try:
                fiscal_year = services.fiscal_year_create(
                    board=board, actor=request.user, **form.cleaned_data
                )
            except (services.BudgetError, ValidationError) as error:
                _refuse(form, error)
            else:
                messages.success(request, f"The {fiscal_year.year} fiscal year is created.")
                return redirect(fiscal_year)
    elif not form.is_bound:
        form = FiscalYearForm(initial={"year": timezone.localdate().year})
    return render(
        request,
        "budget/year_list.html",
        {
            "board": board,
            "standing": standing,
            "years": list(queries.years_of(board)),
            "can_edit": can_edit_budget(standing),
            "form": form,
        },
    )


@require_GET
def year_overview(request: HttpRequest, board_slug: str, year: int) -> HttpResponse:
    board, standing, fiscal_year = get_year_for(request.user, board_slug, year)
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    shown = queries.year_overview_page(fiscal_year, category, request.GET.get("page"))
    overview = shown.overview
    template = "budget/year_overview.html"
    if request.htmx and request.htmx.target == "budget-table":
        template += "#budget-table"
    return render(
        request,
        template,
        {
            "board": board,
            "standing": standing,
            "fiscal_year": fiscal_year,
            "overview": overview,
            "folded": shown.folded,
            "page": shown.page,
            "chart": overview.chart(),
            "category": category,
            "categories": Category.choices,
            "definitions": queries.DEFINITIONS,
            "can_edit": can_edit_budget(standing),
            "years": queries.years_of(board).values_list("year", flat=True),
        },
    )


@require_POST
def year_status(request: HttpRequest, board_slug: str, year: int) -> HttpResponse:
    board, standing, fiscal_year = get_year_for(request.user, board_slug, year)
    require_budget_editor(standing)
    status = request.POST.get("status", "")
    if status not in YearStatus.values:
        raise Http404("No such status")
    try:
        services.fiscal_year_set_status(fiscal_year=fiscal_year, status=status, actor=request.user)
    except services.BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The {year} budget is now {YearStatus(status).label.lower()}.")
    return redirect(fiscal_year)


@require_GET
def year_export(request: HttpRequest, board_slug: str, year: int, extension: str) -> HttpResponse:
    board, standing, fiscal_year = get_year_for(request.user, board_slug, year)
    overview = queries.year_overview(fiscal_year)
    if extension == "xlsx":
        response = HttpResponse(
            export.year_workbook(overview),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(export.year_csv(overview), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(overview, extension)}"'
    )
    return response


def carry_over(request: HttpRequest, board_slug: str, year: int) -> HttpResponse:
    board, standing, fiscal_year = get_year_for(request.user, board_slug, year)
    into = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        require_budget_editor(standing)
        try:
            carried = services.fiscal_year_carry_over(
                fiscal_year=fiscal_year, actor=request.user, into=into
            )
        except services.BudgetError as error:
            messages.error(request, error.message)
            return redirect("budget:carry_over", board.slug, year)
        if carried:
            messages.success(
                request,
                f"Carried {len(carried)} approved request{'s' if len(carried) != 1 else ''} "
                f"into {year + 1}.",
            )
            return redirect("budget:year_overview", board.slug, year + 1)
        messages.info(request, "Nothing was left to carry over.")
        return redirect("budget:carry_over", board.slug, year)
    template = "budget/carry_over.html"
    if request.htmx:
        template += "#plan"
    return render(
        request,
        template,
        {
            "board": board,
            "standing": standing,
            "fiscal_year": fiscal_year,
            "plan": queries.carry_over_plan(fiscal_year, into),
            "can_edit": can_edit_budget(standing),
        },
    )


def line_create(request: HttpRequest, board_slug: str, year: int) -> HttpResponse:
    board, standing, fiscal_year = get_year_for(request.user, board_slug, year)
    require_budget_editor(standing)
    if fiscal_year.is_closed:
        return _closed_year_page(
            request,
            board=board,
            fiscal_year=fiscal_year,
            title=f"New budget line for {fiscal_year.year}",
            cannot="its budget takes no new lines.",
            back=fiscal_year.get_absolute_url(),
        )
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.budget_line_create(
                fiscal_year=fiscal_year, actor=request.user, **form.cleaned_data
            )
        except (services.BudgetError, ValidationError) as error:
            _refuse(form, error)
        else:
            messages.success(request, f"Added the line '{line.title}'.")
            return redirect(fiscal_year)
    return render(
        request,
        "budget/form_page.html",
        {
            "board": board,
            "fiscal_year": fiscal_year,
            "form": form,
            "title": f"New budget line for {fiscal_year.year}",
            "intro": f"Amounts in {fiscal_year.currency}, the year's base currency.",
            "button": "Add the line",
            "back": fiscal_year.get_absolute_url(),
        },
    )


def line_detail(request: HttpRequest, board_slug: str, line_id: int) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    line = get_object_or_404(queries.line_with_figures(line_id), fiscal_year__board=board)
    requests = list(queries.requests_on_line(line))
    for spending_request in requests:
        spending_request.figures = spending_request.breakdown(line.fiscal_year.currency)
    payments = line.payments.select_related("request").order_by("paid_on", "pk")
    return render(
        request,
        "budget/line_detail.html",
        {
            "board": board,
            "standing": standing,
            "line": line,
            "fiscal_year": line.fiscal_year,
            "requests": requests,
            "payments": list(payments),
            "definitions": queries.DEFINITIONS,
            "can_edit": can_edit_budget(standing) and not line.fiscal_year.is_closed,
        },
    )


def _request_form_page(
    request: HttpRequest,
    *,
    board,
    line,
    spending_request: SpendingRequest | None,
) -> HttpResponse:
    if line.fiscal_year.is_closed:
        return _closed_year_page(
            request,
            board=board,
            fiscal_year=line.fiscal_year,
            line=line,
            spending_request=spending_request,
            title=(
                f"Edit “{spending_request.title}”" if spending_request else "New spending request"
            ),
            cannot="its spending requests no longer change.",
            back=(spending_request or line).get_absolute_url(),
        )
    initial = {
        "currency": board.currency,
        "requested_on": timezone.localdate(),
        "requested_by": request.user,
    }
    item_rows: list[dict] = []
    share_rows: list[dict] = []
    if spending_request is not None:
        initial = {
            name: getattr(spending_request, name)
            for name in (
                "title",
                "description",
                "requested_by",
                "requested_on",
                "currency",
                "exchange_rate",
                "rate_on",
                "notes",
            )
        }
        item_rows = list(
            spending_request.items.values(
                "description", "quantity", "unit", "unit_cost", "vat_rate", "includes_vat", "note"
            )
        )
        share_rows = list(
            spending_request.sponsor_shares.values(
                "organisation", "percentage", "fixed_amount", "agreement_reference"
            )
        )
    change = request.POST.get("rows", "") if request.method == "POST" else ""
    focus = ""
    saving = request.method == "POST" and not change
    if change:
        # "Add a cost item", "Remove" and the like: show what was typed again with a row more
        # or less, and save nothing. htmx swaps in the changed fieldset; without JavaScript
        # the whole form comes back.
        item_rows = typed_rows(CostItemFormSet, request.POST, "items")
        share_rows = typed_rows(SponsorShareFormSet, request.POST, "shares")
        focus = _change_rows(change, {"items": item_rows, "shares": share_rows})
        form = SpendingRequestForm(initial=request.POST.dict(), board=board)
    else:
        form = SpendingRequestForm(request.POST if saving else None, initial=initial, board=board)
    if saving:
        items = CostItemFormSet(request.POST, prefix="items")
        shares = SponsorShareFormSet(request.POST, prefix="shares", form_kwargs={"board": board})
    else:
        items = with_rows(CostItemFormSet, item_rows, prefix="items")
        shares = with_rows(
            SponsorShareFormSet, share_rows, prefix="shares", form_kwargs={"board": board}
        )
    if saving and form.is_valid() and items.is_valid() and shares.is_valid():
        try:
            saved = services.spending_request_save(
                line=line,
                data=request_input(form, items, shares),
                actor=request.user,
                request=spending_request,
            )
        except services.AlreadyRecorded as error:
            messages.info(request, error.message)
            return redirect(error.record)
        except (services.BudgetError, ValidationError) as error:
            _refuse(form, error)
        else:
            messages.success(request, f"Saved '{saved.title}'.")
            return redirect(saved)
    if focus.startswith("new-"):
        # The new row's first field takes the cursor (htmx honours autofocus after a swap).
        formset = items if focus == "new-items" else shares
        next(iter(formset.forms[-1])).field.widget.attrs["autofocus"] = True
    template = "budget/request_form.html"
    if change and request.htmx:
        template += "#cost-items" if "-items" in change else "#sponsor-shares"
    return render(
        request,
        template,
        {
            "board": board,
            "line": line,
            "fiscal_year": line.fiscal_year,
            "spending_request": spending_request,
            "form": form,
            "items": items,
            "shares": shares,
            "focus": focus,
            "rows_said": _rows_said(focus, items, shares),
            "row_errors": row_errors(("Cost item", items), ("Sponsor", shares)),
        },
    )


def _change_rows(change: str, rows: dict[str, list[dict]]) -> str:
    """Apply "add-items", "add-shares", "remove-items-2" or "remove-shares-0" to the typed rows;
    answers what should take the focus next ("new-items", "add-shares", ...)."""
    verb, _, rest = change.partition("-")
    kind, _, index = rest.partition("-")
    if kind not in rows:
        return ""
    limit = MOST_COST_ITEMS if kind == "items" else MOST_SPONSORS
    if verb == "add" and len(rows[kind]) < limit:
        rows[kind].append({})
        return f"new-{kind}"
    if verb == "remove" and index.isascii() and index.isdigit() and int(index) < len(rows[kind]):
        del rows[kind][int(index)]
        return f"add-{kind}"
    return ""


def _rows_said(focus: str, items, shares) -> str:
    """What a screen reader hears after a row is added or removed."""
    kind = focus.partition("-")[2]
    noun, count = {
        "items": ("cost item", len(items.forms)),
        "shares": ("sponsor", len(shares.forms)),
    }.get(kind, ("", 0))
    if focus.startswith("new-"):
        return f"{noun.capitalize()} {count} added."
    if focus.startswith("add-"):
        return f"{noun.capitalize()} removed; {count} left."
    return ""


def row_errors(*formsets) -> list[tuple[str, str]]:
    """Each invalid formset row's errors as (field id, sentence), for the summary at the top of
    the form, which links each sentence to its field (a row's own errors to its first field)."""
    if not all(formset.is_bound for _, formset in formsets):
        return []
    messages_ = []
    for noun, formset in formsets:
        for number, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                field = row[name] if name in row.fields else next(iter(row))
                label = row.fields[name].label if name in row.fields else ""
                for message in errors:
                    where = f"{noun} {number}" + (f", {label}" if label else "")
                    messages_.append((field.id_for_label, f"{where}: {message}"))
    return messages_


def request_create(request: HttpRequest, board_slug: str, line_id: int) -> HttpResponse:
    board, standing, line = get_line_for(request.user, board_slug, line_id)
    require_budget_editor(standing)
    return _request_form_page(request, board=board, line=line, spending_request=None)


def request_edit(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    board, standing, spending_request = get_request_for(request.user, board_slug, request_id)
    require_budget_editor(standing)
    return _request_form_page(
        request, board=board, line=spending_request.line, spending_request=spending_request
    )


def request_detail(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    found = queries.request_of_board.results(board_id=board.pk, request_id=request_id)
    if not found:
        raise Http404("No such request")
    spending_request = found[0]
    fiscal_year = spending_request.line.fiscal_year
    breakdown = spending_request.breakdown(fiscal_year.currency)
    carried_into = getattr(spending_request, "carried_into", None)
    editable = can_edit_budget(standing) and not fiscal_year.is_closed
    return render(
        request,
        "budget/request_detail.html",
        {
            "board": board,
            "standing": standing,
            "spending_request": spending_request,
            "line": spending_request.line,
            "fiscal_year": fiscal_year,
            "breakdown": breakdown,
            "payments": list(spending_request.payments.all()),
            "carried_into": carried_into,
            "can_edit": editable,
            "is_open": spending_request.status in services.EDITABLE_STATUSES,
            "put_form": (
                _put_form(board, spending_request, fiscal_year)
                if editable
                and spending_request.status in services.EDITABLE_STATUSES
                and not _before_the_board(spending_request)
                else None
            ),
            "buffer": (
                spending_request.approved_amount - breakdown.requested.amount
                if (spending_request.approved_amount or 0) > breakdown.requested.amount
                else None
            ),
            "unspent": (
                spending_request.approved_amount - spending_request.paid
                if spending_request.status == RequestStatus.APPROVED
                else None
            ),
        },
    )


@require_POST
def request_propose(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    return _request_action(
        request, board_slug, request_id, services.spending_request_propose, "Proposed for approval."
    )


@require_POST
def request_settle(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    return _request_action(
        request,
        board_slug,
        request_id,
        services.spending_request_settle,
        "Marked paid; what it did not spend is released.",
    )


def _request_action(request, board_slug, request_id, service, done: str) -> HttpResponse:
    board, standing, spending_request = get_request_for(request.user, board_slug, request_id)
    require_budget_editor(standing)
    try:
        service(request=spending_request, actor=request.user)
    except services.BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(spending_request)


def request_approve(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    board, standing, spending_request = get_request_for(request.user, board_slug, request_id)
    require_budget_editor(standing)
    if spending_request.line.fiscal_year.is_closed:
        return _closed_year_page(
            request,
            board=board,
            fiscal_year=spending_request.line.fiscal_year,
            spending_request=spending_request,
            title=f"Record the approval of “{spending_request.title}”",
            cannot="its requests are no longer approved or rejected.",
            back=spending_request.get_absolute_url(),
        )
    fiscal_year = spending_request.line.fiscal_year
    requested = spending_request.breakdown(fiscal_year.currency).requested
    form = ApprovalForm(
        request.POST or None,
        initial={
            "approved_amount": requested.amount,
            "approved_on": timezone.localdate(),
            "approved_by": board.name,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.spending_request_approve(
                request=spending_request,
                amount=data["approved_amount"],
                approved_on=data["approved_on"],
                approved_by=data["approved_by"],
                reference=data["reference"],
                actor=request.user,
            )
        except (services.BudgetError, ValidationError) as error:
            _refuse(form, error)
        else:
            messages.success(request, "The approval is recorded.")
            return redirect(spending_request)
    return render(
        request,
        "budget/form_page.html",
        {
            "board": board,
            "fiscal_year": fiscal_year,
            "spending_request": spending_request,
            "form": form,
            "title": f"Record the approval of “{spending_request.title}”",
            "intro": f"{requested} requested. The approved amount is in {fiscal_year.currency} and "
            "may be rounded up as a buffer against exchange rates. Record a decision the board "
            "took at a meeting or by email, with the reference to its motion.",
            "button": "Record the approval",
            "back": spending_request.get_absolute_url(),
        },
    )


def request_reject(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    board, standing, spending_request = get_request_for(request.user, board_slug, request_id)
    require_budget_editor(standing)
    if spending_request.line.fiscal_year.is_closed:
        return _closed_year_page(
            request,
            board=board,
            fiscal_year=spending_request.line.fiscal_year,
            spending_request=spending_request,
            title=f"Record the rejection of “{spending_request.title}”",
            cannot="its requests are no longer approved or rejected.",
            back=spending_request.get_absolute_url(),
        )
    form = RejectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.spending_request_reject(
                request=spending_request,
                reference=form.cleaned_data["reference"],
                actor=request.user,
            )
        except services.BudgetError as error:
            _refuse(form, error)
        else:
            messages.success(request, "Recorded as not approved.")
            return redirect(spending_request)
    return render(
        request,
        "budget/form_page.html",
        {
            "board": board,
            "fiscal_year": spending_request.line.fiscal_year,
            "spending_request": spending_request,
            "form": form,
            "title": f"Record that “{spending_request.title}” was not approved",
            "intro": "The request stays on record, marked rejected; it counts nowhere.",
            "button": "Record the rejection",
            "back": spending_request.get_absolute_url(),
        },
    )


def payment_create(request: HttpRequest, board_slug: str, line_id: int) -> HttpResponse:
    board, standing, line = get_line_for(request.user, board_slug, line_id)
    require_budget_editor(standing)
    fiscal_year = line.fiscal_year
    spending_request = None
    if request_id := request.GET.get("request"):
        # isdigit() alone lets "²" through, which int() refuses.
        wanted = int(request_id) if request_id.isascii() and request_id.isdigit() else 0
        spending_request = get_object_or_404(SpendingRequest, pk=wanted, line=line)
    target = f"“{spending_request.title}”" if spending_request else f"the line “{line.title}”"
    if fiscal_year.is_closed:
        return _closed_year_page(
            request,
            board=board,
            fiscal_year=fiscal_year,
            line=line,
            spending_request=spending_request,
            title=f"Record a payment for {target}",
            cannot="no more payments are recorded on it. A payment made since belongs to "
            "the year it was made in.",
            back=(spending_request or line).get_absolute_url(),
        )
    form = PaymentForm(
        request.POST or None,
        base_currency=fiscal_year.currency,
        initial={
            "currency": spending_request.currency if spending_request else fiscal_year.currency,
            "exchange_rate": spending_request.exchange_rate if spending_request else 1,
            "paid_on": min(timezone.localdate(), fiscal_year.ends_on),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(
                line=line, request=spending_request, actor=request.user, **form.cleaned_data
            )
        except services.AlreadyRecorded as error:
            messages.info(request, error.message)
            return redirect(error.record.request or error.record.line)
        except (services.BudgetError, ValidationError) as error:
            _refuse(form, error)
        else:
            messages.success(request, "The payment is recorded.")
            return redirect(spending_request or line)
    return render(
        request,
        "budget/form_page.html",
        {
            "board": board,
            "fiscal_year": fiscal_year,
            "line": line,
            "spending_request": spending_request,
            "form": form,
            "title": f"Record a payment for {target}",
            "intro": f"The amount is converted to {fiscal_year.currency} at the rate given and "
            "rounded to the cent; that converted amount is what the budget counts as spent.",
            "button": "Record the payment",
            "back": (spending_request or line).get_absolute_url(),
        },
    )


# -- Approval by motion ---------------------------------------------------------------------------


def _before_the_board(spending_request: SpendingRequest) -> bool:
    motion = spending_request.motion
    return motion is not None and motion.status in ("draft", "open", "tabled")


def _meetings_ahead(board):
    from meetings.models import Meeting

    return list(Meeting.objects.of_board(board).upcoming().select_related("board")[:6])


def _put_form(board, spending_request, fiscal_year, data=None) -> PutToBoardForm:
    requested = spending_request.breakdown(fiscal_year.currency).requested.amount
    return PutToBoardForm(
        data,
        meetings=_meetings_ahead(board),
        initial={
            "amount": spending_request.proposed_amount or requested,
            "closes_at": timezone.localtime() + dt.timedelta(days=7),
        },
    )


@require_POST
def request_put_to_board(request: HttpRequest, board_slug: str, request_id: int) -> HttpResponse:
    """Propose the request as a motion "up to" an amount, in a meeting or by ballot."""
    board, standing, spending_request = get_request_for(request.user, board_slug, request_id)
    require_budget_editor(standing)
    fiscal_year = spending_request.line.fiscal_year
    form = _put_form(board, spending_request, fiscal_year, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            motion = approvals.spending_request_put_to_motion(
                request=spending_request,
                amount=data["amount"],
                actor=request.user,
                meeting=form.meeting,
                method=data.get("method") or "counts",
                closes_at=data.get("closes_at"),
            )
        except services.BudgetError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Put to the board: “{motion.title}”.")
            return redirect(motion.get_absolute_url())
    else:
        messages.error(
            request,
            "Nothing was proposed: "
            + "; ".join(
                str(message) for messages_ in form.errors.values() for message in messages_
            ),
        )
    return redirect(spending_request)
