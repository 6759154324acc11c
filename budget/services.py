"""Every change to the budget: each runs in one transaction, checks its rule and writes the audit.

Views, the demo loader and (later) the motions app call these; nothing else writes budget rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from budget.models import (
    Breakdown,
    BudgetLine,
    CostItem,
    FiscalYear,
    Payment,
    RequestStatus,
    SpendingRequest,
    SponsorShare,
    YearStatus,
    breakdown_of,
)
from budget.money import LARGEST_AMOUNT, ZERO, Money, is_known_currency, to_cents
from governance import audit
from governance.exceptions import DomainError
from governance.models import Board, Organisation
from governance.text import DESCRIPTION_MAX, NOTE_MAX, REASON_MAX, row_refusal, text_refusal


class BudgetError(DomainError):
    """A budget rule said no; the message says why, in words a board officer reads."""


class YearClosed(BudgetError):
    pass


class WrongStatus(BudgetError):
    pass


class CarryOverRefused(BudgetError):
    pass


class AlreadyRecorded(BudgetError):
    """The same form arrived twice (a double click, a resend); `record` is what the first saved."""

    def __init__(self, message: str, record: SpendingRequest | Payment):
        super().__init__(message)
        self.record = record


# What a person types at length: the limits the forms state, kept here for every caller.
TEXT_LIMITS = {"notes": NOTE_MAX, "description": DESCRIPTION_MAX}


def _checked(row, *, exclude: list[str] | None = None) -> None:
    """The row's own rules (full_clean), no NUL in its text and no note or description longer
    than the forms allow, so a caller other than a form is held to them too."""
    row.full_clean(exclude=exclude)
    name, refusal = row_refusal(row)
    if refusal:
        raise BudgetError(refusal)
    for name, limit in TEXT_LIMITS.items():
        value = getattr(row, name, None)
        if isinstance(value, str) and (
            refusal := text_refusal(value, limit=limit, noun=f"the {name}")
        ):
            raise BudgetError(refusal)


# -- Fiscal years and lines ----------------------------------------------------------------------

YEAR_TRANSITIONS = {
    YearStatus.DRAFT: {YearStatus.APPROVED},
    YearStatus.APPROVED: {YearStatus.CLOSED, YearStatus.DRAFT},
    YearStatus.CLOSED: set(),
}


@transaction.atomic
def fiscal_year_create(
    *,
    board: Board,
    year: int,
    actor,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    notes: str = "",
) -> FiscalYear:
    fiscal_year = FiscalYear(
        board=board,
        year=year,
        starts_on=starts_on or dt.date(year, 1, 1),
        ends_on=ends_on or dt.date(year, 12, 31),
        currency=board.currency,
        notes=notes,
    )
    _checked(fiscal_year)
    try:
        with transaction.atomic():
            fiscal_year.save()
    except IntegrityError as error:  # the same year created at the same moment
        raise BudgetError(f"The {year} fiscal year already exists.") from error
    audit.record(
        board=board,
        actor=actor,
        action="budget.year.create",
        target=fiscal_year,
        summary=f"Created the {year} fiscal year ({fiscal_year.currency})",
        changes=audit.changes_between({}, audit.snapshot(fiscal_year)),
    )
    return fiscal_year


@transaction.atomic
def fiscal_year_set_status(*, fiscal_year: FiscalYear, status: str, actor) -> FiscalYear:
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    current = YearStatus(fiscal_year.status)
    if YearStatus(status) not in YEAR_TRANSITIONS[current]:
        raise WrongStatus(
            f"The {fiscal_year.year} budget is {current.label.lower()}; it cannot become "
            f"{YearStatus(status).label.lower()}."
        )
    before = audit.snapshot(fiscal_year)
    fiscal_year.status = status
    fiscal_year.save(update_fields=["status"])
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action=f"budget.year.{status}",
        target=fiscal_year,
        summary=f"Marked the {fiscal_year.year} budget {fiscal_year.get_status_display().lower()}",
        changes=audit.changes_between(before, audit.snapshot(fiscal_year)),
    )
    return fiscal_year


@transaction.atomic
def fiscal_year_update(
    *,
    fiscal_year: FiscalYear,
    actor,
    starts_on: dt.date,
    ends_on: dt.date,
    notes: str = "",
) -> FiscalYear:
    """Correct an open year's dates or notes; its name, board, currency and status stay."""
    fiscal_year = _open_year(fiscal_year)
    before = audit.snapshot(fiscal_year)
    fiscal_year.starts_on, fiscal_year.ends_on, fiscal_year.notes = starts_on, ends_on, notes
    _checked(fiscal_year)
    changes = audit.changes_between(before, audit.snapshot(fiscal_year))
    if not changes:
        return fiscal_year
    fiscal_year.save()
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.year.update",
        target=fiscal_year,
        summary=f"Changed the {fiscal_year.year} fiscal year's "
        + ", ".join(name.replace("_", " ") for name in changes),
        changes=changes,
    )
    return fiscal_year


@transaction.atomic
def fiscal_year_delete(*, fiscal_year: FiscalYear, actor) -> None:
    """Remove a year set up by mistake: only while it is a draft with no lines."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.status != YearStatus.DRAFT:
        raise WrongStatus(
            f"The {fiscal_year.year} budget is {fiscal_year.get_status_display().lower()}; "
            "only a draft year can be deleted."
        )
    if fiscal_year.lines.exists():
        raise BudgetError(
            f"The {fiscal_year.year} budget has lines; delete them first, or keep the year."
        )
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.year.delete",
        target=fiscal_year,
        summary=f"Deleted the draft {fiscal_year.year} fiscal year",
        changes=audit.changes_between(audit.snapshot(fiscal_year), {}),
    )
    fiscal_year.delete()


def _open_year(fiscal_year: FiscalYear) -> FiscalYear:
    """The year, locked; a closed year takes no more changes."""
    locked = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if locked.is_closed:
        raise YearClosed(
            f"The {locked.year} fiscal year is closed; its budget can no longer change."
        )
    return locked


@transaction.atomic
def budget_line_create(
    *,
    fiscal_year: FiscalYear,
    category: str,
    title: str,
    planned: Decimal,
    actor,
    notes: str = "",
    carried_from: BudgetLine | None = None,
) -> BudgetLine:
    fiscal_year = _open_year(fiscal_year)
    line = BudgetLine(
        fiscal_year=fiscal_year,
        category=category,
        title=title,
        planned=planned,
        notes=notes,
        carried_from=carried_from,
    )
    _checked(line)
    try:
        line.save()
    except IntegrityError as error:  # the same title added at the same moment
        raise BudgetError(f"{fiscal_year.year} already has a line called '{title}'.") from error
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.line.create",
        target=line,
        summary=f"Added the line '{title}' to {fiscal_year.year}, planned "
        f"{Money(line.planned, fiscal_year.currency)}",
        changes=audit.changes_between({}, audit.snapshot(line)),
    )
    return line


def _locked_line(line: BudgetLine) -> tuple[BudgetLine, FiscalYear]:
    fiscal_year = _open_year(line.fiscal_year)
    return BudgetLine.objects.select_for_update().get(pk=line.pk), fiscal_year


@transaction.atomic
def budget_line_update(
    *,
    line: BudgetLine,
    actor,
    category: str,
    title: str,
    planned: Decimal,
    notes: str = "",
    carried_from: BudgetLine | None = None,
) -> BudgetLine:
    """Change a line of an open year: its title, category, planned amount or notes."""
    line, fiscal_year = _locked_line(line)
    before = audit.snapshot(line)
    line.category, line.title, line.planned = category, title, planned
    line.notes, line.carried_from = notes, carried_from
    _checked(line)
    changes = audit.changes_between(before, audit.snapshot(line))
    if not changes:
        return line
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as error:  # the same title given at the same moment
        raise BudgetError(f"{fiscal_year.year} already has a line called '{title}'.") from error
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.line.update",
        target=line,
        summary=f"Changed the line '{line.title}' ({fiscal_year.year}): "
        + ", ".join(name.replace("_id", "").replace("_", " ") for name in changes),
        changes=changes,
    )
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, actor) -> None:
    """Remove a line added by mistake: only while nothing was requested, paid or carried on it."""
    line, fiscal_year = _locked_line(line)
    if line.requests.exists() or line.payments.exists() or line.carried_into.exists():
        raise BudgetError(
            f"'{line.title}' has requests, payments or a continuation next year; it stays "
            "in the record. Set its planned amount to zero instead."
        )
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.line.delete",
        target=line,
        summary=f"Deleted the line '{line.title}' from {fiscal_year.year}",
        changes=audit.changes_between(audit.snapshot(line), {}),
    )
    line.delete()


# -- Spending requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CostItemInput:
    description: str
    unit_cost: Decimal
    quantity: Decimal = Decimal(1)
    unit: str = ""
    vat_rate: Decimal = ZERO
    includes_vat: bool = False
    note: str = ""


@dataclass(frozen=True)
class SponsorShareInput:
    organisation: Organisation
    percentage: Decimal | None = None
    fixed_amount: Decimal | None = None
    agreement_reference: str = ""


@dataclass(frozen=True)
class RequestInput:
    title: str
    currency: str
    description: str = ""
    exchange_rate: Decimal = Decimal(1)
    rate_on: dt.date | None = None
    requested_by: object | None = None
    requested_on: dt.date | None = None
    notes: str = ""
    items: Sequence[CostItemInput] = field(default_factory=tuple)
    shares: Sequence[SponsorShareInput] = field(default_factory=tuple)
    submission: uuid.UUID | None = None


EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.PROPOSED)


@transaction.atomic
def spending_request_save(
    *,
    line: BudgetLine,
    data: RequestInput,
    actor,
    request: SpendingRequest | None = None,
) -> SpendingRequest:
    """Create a request on `line`, or replace an unapproved one's details, items and shares."""
    fiscal_year = _open_year(line.fiscal_year)
    before: audit.Snapshot = {}
    if request is not None:
        request = SpendingRequest.objects.select_for_update().get(pk=request.pk)
        _require_status(request, EDITABLE_STATUSES, "changed")
        before = _request_snapshot(
            request, list(request.items.all()), list(request.sponsor_shares.all())
        )
    else:
        if data.submission and (
            first := SpendingRequest.objects.filter(submission=data.submission).first()
        ):
            raise AlreadyRecorded(f"'{first.title}' was already saved.", first)
        request = SpendingRequest(line=line, status=RequestStatus.DRAFT, submission=data.submission)
    _check_currency(data.currency, data.exchange_rate, fiscal_year.currency)
    request.line = line
    for name in ("title", "description", "currency", "exchange_rate", "rate_on", "notes"):
        setattr(request, name, getattr(data, name))
    request.requested_by = data.requested_by
    request.requested_on = data.requested_on
    _checked(request)
    request.save()

    request.items.all().delete()
    request.sponsor_shares.all().delete()
    items = [
        CostItem(
            request=request,
            position=position,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_cost=item.unit_cost,
            vat_rate=item.vat_rate,
            includes_vat=item.includes_vat,
            note=item.note,
        )
        for position, item in enumerate(data.items, start=1)
    ]
    shares = []
    for share in data.shares:
        if share.organisation.board_id != fiscal_year.board_id:
            raise BudgetError(f"{share.organisation} is not an organisation of this board.")
        shares.append(
            SponsorShare(
                request=request,
                organisation=share.organisation,
                percentage=share.percentage,
                fixed_amount=share.fixed_amount,
                agreement_reference=share.agreement_reference,
            )
        )
    for row in (*items, *shares):
        _checked(row, exclude=["request"])
    if len({share.organisation_id for share in shares}) < len(shares):
        raise BudgetError("Each sponsor can be listed once per request.")
    breakdown = _checked_breakdown(request, items, shares, fiscal_year.currency)
    CostItem.objects.bulk_create(items)
    SponsorShare.objects.bulk_create(shares)
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.request.save",
        target=request,
        summary=f"Saved the spending request '{request.title}': {breakdown.gross} in total, "
        f"{breakdown.requested} requested",
        data={"gross": str(breakdown.gross.amount), "requested": str(breakdown.requested.amount)},
        changes=audit.changes_between(before, _request_snapshot(request, items, shares)),
    )
    return request


def _request_snapshot(
    request: SpendingRequest, items: list[CostItem], shares: list[SponsorShare]
) -> audit.Snapshot:
    """The request's fields, and its items and shares as the lines a reader compares."""
    return {
        **audit.snapshot(request),
        "items": [
            f"{item.description}: {item.quantity.normalize():f} × {item.unit_cost}"
            f"{' inc' if item.includes_vat else ' +'} VAT {item.vat_rate.normalize():f}%"
            for item in items
        ],
        "shares": [
            f"{share.organisation_id}: "
            + (f"{share.percentage}%" if share.percentage is not None else f"{share.fixed_amount}")
            for share in shares
        ],
    }


@transaction.atomic
def spending_request_delete(*, request: SpendingRequest, actor) -> None:
    """Remove a draft entered by mistake; anything proposed or decided stays in the record."""
    request, fiscal_year = _locked_request(request)
    _require_status(request, (RequestStatus.DRAFT,), "deleted")
    if request.motion_id or request.payments.exists():
        raise BudgetError(f"'{request.title}' is linked to a motion or a payment; it stays.")
    before = _request_snapshot(
        request, list(request.items.all()), list(request.sponsor_shares.all())
    )
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.request.delete",
        target=request,
        summary=f"Deleted the draft spending request '{request.title}'",
        changes=audit.changes_between(before, {}),
    )
    request.delete()  # its cost items and sponsor shares go with it


def _checked_breakdown(
    request: SpendingRequest,
    items: list[CostItem],
    shares: list[SponsorShare],
    base_currency: str,
) -> Breakdown:
    """The breakdown of rows about to be saved, refused if it cannot be a budget's figures."""
    for number, item in enumerate(items, start=1):
        # Checked before anything is rounded: a product too large for Decimal's precision
        # cannot be rounded to the cent at all.
        if item.quantity * item.unit_cost > LARGEST_AMOUNT:
            raise BudgetError(f"Cost item {number} ({item.description}) is too large to record.")
    if sum((item.gross.amount for item in items), ZERO) > LARGEST_AMOUNT:
        raise BudgetError(f"The total cost is more than {request.currency} {LARGEST_AMOUNT:,}.")
    breakdown = breakdown_of(request, items, shares, base_currency)
    if breakdown.board_share.amount < 0:
        raise BudgetError(
            f"The sponsors' contributions ({breakdown.gross - breakdown.board_share}) exceed "
            f"the total cost ({breakdown.gross})."
        )
    if breakdown.requested.amount > LARGEST_AMOUNT:
        raise BudgetError(
            f"Converted at {request.exchange_rate.normalize():f}, the request comes to "
            f"more than {base_currency} {LARGEST_AMOUNT:,}; check the exchange rate."
        )
    return breakdown


def _check_currency(currency: str, rate: Decimal, base_currency: str) -> None:
    if not is_known_currency(currency):
        raise BudgetError(f"{currency!r} is not an ISO 4217 currency code (try USD, EUR or GBP).")
    if rate is None or rate <= 0:
        raise BudgetError("An exchange rate must be more than zero.")
    if currency == base_currency and rate != 1:
        raise BudgetError(
            f"An amount in {base_currency}, the base currency, has an exchange rate of 1."
        )


def _locked_request(request: SpendingRequest) -> tuple[SpendingRequest, FiscalYear]:
    fiscal_year = _open_year(request.line.fiscal_year)
    return SpendingRequest.objects.select_for_update().get(pk=request.pk), fiscal_year


def _require_status(request: SpendingRequest, allowed: tuple[str, ...], doing: str) -> None:
    if request.status not in allowed:
        wanted = " or ".join(RequestStatus(status).label.lower() for status in allowed)
        raise WrongStatus(
            f"'{request.title}' is {request.get_status_display().lower()}; only a {wanted} "
            f"request can be {doing}."
        )


def _set_status(
    request: SpendingRequest,
    fiscal_year: FiscalYear,
    *,
    status: str,
    actor,
    action: str,
    summary: str,
    **fields,
) -> SpendingRequest:
    request.status = status
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", *fields])
    audit.record(
        board=fiscal_year.board, actor=actor, action=action, target=request, summary=summary
    )
    return request


@transaction.atomic
def spending_request_propose(*, request: SpendingRequest, actor) -> SpendingRequest:
    """Put a draft request to the board.

    When motions exist, this is where the motion is created or linked; the motion carrying then
    calls `spending_request_approve(motion=...)`.
    """
    request, fiscal_year = _locked_request(request)
    _require_status(request, (RequestStatus.DRAFT,), "proposed")
    if not request.items.exists():
        raise BudgetError("Add at least one cost item before proposing the request.")
    return _set_status(
        request,
        fiscal_year,
        status=RequestStatus.PROPOSED,
        actor=actor,
        action="budget.request.propose",
        summary=f"Proposed '{request.title}' for approval",
    )


@transaction.atomic
def spending_request_approve(
    *,
    request: SpendingRequest,
    amount: Decimal,
    approved_on: dt.date,
    approved_by: str,
    reference: str,
    actor,
    motion=None,
) -> SpendingRequest:
    """Record the board's approval of `request` for `amount` in the base currency.

    `motion` is the hook for the motions app: when a motion carries it passes itself here. Until
    then the secretary records an approval made elsewhere, by reference.
    """
    request, fiscal_year = _locked_request(request)
    _require_status(request, EDITABLE_STATUSES, "approved")
    if amount is None or amount <= 0:
        raise BudgetError("An approved amount must be more than zero.")
    if to_cents(amount) != amount:
        raise BudgetError("An approved amount is in whole cents.")
    if not reference.strip():
        raise BudgetError("Say where the approval is recorded (meeting, motion, outcome).")
    requested = request.breakdown(fiscal_year.currency).requested
    request.status = RequestStatus.APPROVED
    request.approved_amount = amount
    request.approved_on = approved_on
    request.approved_by = approved_by
    request.approval_reference = reference
    request.approval_recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    _checked(request)
    request.save()
    approved = Money(amount, fiscal_year.currency)
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.request.approve",
        target=request,
        summary=f"Recorded the approval of '{request.title}': {approved} "
        f"({requested} requested), {reference}",
        data={
            "approved": str(amount),
            "requested": str(requested.amount),
            "reference": reference,
            "motion": getattr(motion, "pk", None),
        },
    )
    return request


@transaction.atomic
def spending_request_reject(*, request: SpendingRequest, reference: str, actor) -> SpendingRequest:
    request, fiscal_year = _locked_request(request)
    _require_status(request, EDITABLE_STATUSES, "rejected")
    return _set_status(
        request,
        fiscal_year,
        status=RequestStatus.REJECTED,
        approval_reference=reference,
        actor=actor,
        action="budget.request.reject",
        summary=f"Recorded that '{request.title}' was not approved: {reference}",
    )


@transaction.atomic
def spending_request_settle(*, request: SpendingRequest, actor) -> SpendingRequest:
    """Mark an approved request fully paid: what it did not spend is no longer held for it."""
    request, fiscal_year = _locked_request(request)
    _require_status(request, (RequestStatus.APPROVED,), "marked paid")
    return _set_status(
        request,
        fiscal_year,
        status=RequestStatus.PAID,
        actor=actor,
        action="budget.request.settle",
        summary=f"Marked '{request.title}' paid; its unspent approval is released",
    )


PAYMENT_GRACE_DAYS = 90


@transaction.atomic
def payment_record(
    *,
    line: BudgetLine,
    paid_on: dt.date,
    amount: Decimal,
    currency: str,
    actor,
    exchange_rate: Decimal = Decimal(1),
    reference: str = "",
    request: SpendingRequest | None = None,
    submission: uuid.UUID | None = None,
) -> Payment:
    fiscal_year = _open_year(line.fiscal_year)  # also queues a resent form behind the first
    if submission and (first := Payment.objects.filter(submission=submission).first()):
        raise AlreadyRecorded("This payment was already recorded.", first)
    if request is not None:
        request = SpendingRequest.objects.select_for_update().get(pk=request.pk)
        if request.line_id != line.pk:
            raise BudgetError("A payment for a request is recorded on that request's line.")
        if request.status != RequestStatus.APPROVED:
            raise WrongStatus(
                f"'{request.title}' is {request.get_status_display().lower()}; payments are "
                "recorded against approved requests."
            )
    if amount is None or amount <= 0:
        raise BudgetError("A payment must be more than zero.")
    _check_currency(currency, exchange_rate, fiscal_year.currency)
    if request is not None and request.motion_id and request.approved_amount is not None:
        _check_within_approval(request, amount, exchange_rate, fiscal_year.currency)
    if amount * exchange_rate > LARGEST_AMOUNT:
        raise BudgetError(
            f"Converted at {exchange_rate.normalize():f}, the payment comes to more than "
            f"{fiscal_year.currency} {LARGEST_AMOUNT:,}; check the amount and the rate."
        )
    # Subtracting dates cannot overflow where adding 90 days to the year's end might.
    if paid_on < fiscal_year.starts_on or (paid_on - fiscal_year.ends_on).days > PAYMENT_GRACE_DAYS:
        raise BudgetError(
            f"{paid_on:%-d %b %Y} is outside the {fiscal_year.year} fiscal year "
            f"(payments are accepted up to {PAYMENT_GRACE_DAYS} days after it ends)."
        )
    payment = Payment(
        line=line,
        request=request,
        paid_on=paid_on,
        amount=amount,
        currency=currency,
        exchange_rate=exchange_rate,
        reference=reference,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        submission=submission,
    )
    payment.base_amount = payment.converted_amount(fiscal_year.currency)
    _checked(payment)
    payment.save()
    paid = Money(payment.base_amount, fiscal_year.currency)
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.payment.record",
        target=payment,
        summary=f"Recorded a payment of {Money(amount, currency)} ({paid}) on '{line.title}'"
        + (f" for '{request.title}'" if request else ""),
        data={"base_amount": str(payment.base_amount), "reference": reference},
        changes=audit.changes_between({}, audit.snapshot(payment)),
    )
    return payment


@transaction.atomic
def payment_delete(*, payment: Payment, actor, reason: str) -> None:
    """Take back a payment recorded by mistake (recorded twice, on the wrong line); say why.

    A payment is corrected by deleting it and recording the right one."""
    reason = reason.strip()
    if refusal := text_refusal(reason, limit=REASON_MAX, noun="the reason"):
        raise BudgetError(refusal)
    if not reason:
        raise BudgetError("Say why the payment is taken back (recorded twice, wrong line...).")
    payment = Payment.objects.select_related("line__fiscal_year__board").get(pk=payment.pk)
    fiscal_year = _open_year(payment.line.fiscal_year)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.request_id:  # a settled request would count its approval as released
        request = SpendingRequest.objects.select_for_update().get(pk=payment.request_id)
        _require_status(request, (RequestStatus.APPROVED,), "have payments taken back")
    audit.record(
        board=fiscal_year.board,
        actor=actor,
        action="budget.payment.delete",
        target=payment,
        summary=f"Took back the payment of {Money(payment.amount, payment.currency)} on "
        f"{payment.paid_on:%-d %b %Y}: {reason}"[:300],
        data={"reason": reason},
        changes=audit.changes_between(audit.snapshot(payment), {}),
    )
    payment.delete()


def _check_within_approval(
    request: SpendingRequest, amount: Decimal, exchange_rate: Decimal, currency: str
) -> None:
    """A motion approved the request "up to" its amount: payments stop there."""
    paid = request.payments.aggregate(total=Sum("base_amount"))["total"] or ZERO
    this = to_cents(amount * exchange_rate)
    if paid + this > request.approved_amount:
        left = request.approved_amount - paid
        cap = Money(request.approved_amount, currency)
        raise BudgetError(
            f"The motion approved '{request.title}' up to {cap}; "
            f"{Money(max(left, ZERO), currency)} is left, and this payment comes to "
            f"{Money(this, currency)}."
        )


# -- Year-end carry-over --------------------------------------------------------------------------


@transaction.atomic
def fiscal_year_carry_over(
    *, fiscal_year: FiscalYear, actor, into: Mapping[str, str] | None = None
) -> list[SpendingRequest]:
    """Carry the closed year's approved, unspent requests into the next year, as approved.

    Exactly what `queries.carry_over_plan` previews with the same `into` (the lines the
    secretary chose). A request is carried once: its origin becomes 'carried over' and the
    database holds one continuation per origin. A new line is made only where the next year
    has no line of that title, so a carry-over never duplicates a line.
    """
    from budget.queries import carry_over_plan

    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    plan = carry_over_plan(fiscal_year, into)
    if plan.refusal:
        raise CarryOverRefused(plan.refusal)
    target_year = _open_year(plan.next_year)
    carried = []
    lines: dict[int, BudgetLine] = {}
    for move in plan.moves:
        origin = SpendingRequest.objects.select_for_update().get(pk=move.request.pk)
        if origin.status != RequestStatus.APPROVED:
            continue
        line = lines.get(move.request.line_id) or move.target_line
        if line is None:
            line = BudgetLine.objects.create(
                fiscal_year=target_year,
                category=move.request.line.category,
                title=move.target_title,
                planned=plan.planned_for_new_line(move.request.line_id),
                carried_from=move.request.line,
                notes=f"Carried over from {fiscal_year.year}: approved there, not yet spent.",
            )
        lines[move.request.line_id] = line
        continuation = SpendingRequest.objects.create(
            line=line,
            title=origin.title,
            description=origin.description,
            requested_by=origin.requested_by,
            requested_on=origin.requested_on,
            currency=target_year.currency,
            exchange_rate=Decimal(1),
            status=RequestStatus.APPROVED,
            approved_amount=move.amount,
            approved_on=origin.approved_on,
            approved_by=origin.approved_by,
            approval_reference=f"Carried over from {fiscal_year.year}: {origin.approval_reference}",
            carried_from=origin,
        )
        CostItem.objects.create(
            request=continuation,
            position=1,
            description=f"Approved in {fiscal_year.year}, not yet spent",
            unit_cost=move.amount,
        )
        origin.status = RequestStatus.CARRIED
        origin.save(update_fields=["status"])
        audit.record(
            board=fiscal_year.board,
            actor=actor,
            action="budget.request.carry_over",
            target=continuation,
            summary=f"Carried '{origin.title}' into {target_year.year}: "
            f"{Money(move.amount, target_year.currency)} approved, unspent",
            data={"origin": origin.pk, "amount": str(move.amount)},
        )
        carried.append(continuation)
    return carried


def validation_messages(error: ValidationError) -> list[str]:
    """A ValidationError as sentences, for a form's error summary."""
    if hasattr(error, "message_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)
