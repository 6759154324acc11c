"""The board's budget: fiscal years, their lines, spending requests against lines, payments.

What the board decides is stored (planned amounts, cost items, sponsor shares, approvals,
payments); what follows from it is derived (approved, spent, available for allocation), by
`budget.queries` for whole years and by the methods here for one request.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from budget.money import ZERO, Money, add_vat, percent_of, to_cents, total, vat_included_in
from governance.models import Board, Organisation, currency_code_validator

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 14, "decimal_places": 6}
PERCENT = {"max_digits": 5, "decimal_places": 2}


def validate_known_currency(value: str) -> None:
    from budget.money import is_known_currency

    if value and not is_known_currency(value):
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code (try USD, EUR or GBP).")


def currency_field(verbose_name: str = "currency", **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name,
        max_length=3,
        validators=[currency_code_validator, validate_known_currency],
        **kwargs,
    )


class YearStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    CLOSED = "closed", "Closed"


class FiscalYearQuerySet(models.QuerySet["FiscalYear"]):
    def of(self, board: Board) -> FiscalYearQuerySet:
        return self.filter(board=board)

    def containing(self, on: dt.date) -> FiscalYearQuerySet:
        return self.filter(starts_on__lte=on, ends_on__gte=on)


# A fiscal year is a year long, give or take a quarter (a board moving its year end may run one
# short or long year), and it overlaps the calendar year it is named after.
SHORTEST_YEAR_MONTHS = 9
LONGEST_YEAR_MONTHS = 15


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter), at most date.max."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class FiscalYear(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="fiscal_years")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1990), MaxValueValidator(2200)],
        help_text="How the board names the year, e.g. 2014.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of the year.")
    currency = currency_field(
        "base currency", help_text="Every figure of the year is kept in this currency."
    )
    status = models.CharField(max_length=10, choices=YearStatus.choices, default=YearStatus.DRAFT)
    notes = models.TextField(blank=True)

    objects = FiscalYearQuerySet.as_manager()

    class Meta:
        ordering = ["board_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="fiscal_year_unique_per_board"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="fiscal_year_ends_after_start",
                violation_error_message="A fiscal year must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="fiscal_year_currency_iso_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.name}: {self.year}" if self.board_id else str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("budget:year_overview", args=[self.board.slug, self.year])

    def clean(self) -> None:
        if not (self.year and self.starts_on and self.ends_on) or self.ends_on <= self.starts_on:
            return  # the fields' own checks and the ordering constraint speak first
        # The day after the last is at least 9 and at most 15 months after the first.
        day_after = self.ends_on + dt.timedelta(days=1) if self.ends_on < dt.date.max else None
        shortest = months_after(self.starts_on, SHORTEST_YEAR_MONTHS)
        longest = months_after(self.starts_on, LONGEST_YEAR_MONTHS)
        if day_after is None or not shortest <= day_after <= longest:
            raise ValidationError(
                {
                    "ends_on": f"A fiscal year runs about a year ({SHORTEST_YEAR_MONTHS} to "
                    f"{LONGEST_YEAR_MONTHS} months); {self.starts_on:%-d %b %Y} to "
                    f"{self.ends_on:%-d %b %Y} is not."
                }
            )
        if not (self.starts_on.year <= self.year and self.ends_on.year >= self.year):
            raise ValidationError(
                {
                    "starts_on": f"The {self.year} fiscal year must include part of {self.year}; "
                    f"{self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y} does not."
                }
            )

    @property
    def is_closed(self) -> bool:
        return self.status == YearStatus.CLOSED


class Category(models.TextChoices):
    EVENTS = "events", "Events"
    MARKETING = "marketing", "Marketing and PR"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    COMMUNITY = "community", "Community"
    OPERATIONS = "operations", "Operations"
    OTHER = "other", "Other"


CATEGORY_ORDER = {value: index for index, value in enumerate(Category.values)}


class BudgetLine(models.Model):
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="lines")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=150)
    planned = models.DecimalField(
        "planned amount", **MONEY, help_text="In the year's base currency."
    )
    notes = models.TextField(blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text="The previous year's line whose approved, unspent requests continue here.",
    )

    class Meta:
        ordering = ["fiscal_year_id", "category", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "title"], name="budget_line_unique_title_per_year"
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0),
                name="budget_line_planned_not_negative",
                violation_error_message="A planned amount cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.fiscal_year.year})" if self.fiscal_year_id else self.title

    def get_absolute_url(self) -> str:
        return reverse("budget:line_detail", args=[self.fiscal_year.board.slug, self.pk])

    @property
    def overspent_by(self) -> Decimal:
        """How much more the line has paid out than was approved on it; zero when within.

        Read from the figures `budget.queries.with_figures` annotates."""
        return max(self.spent - self.approved, ZERO)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"
    CARRIED = "carried", "Carried over"


# Requests whose approved amount counts as approved spending on their line.
APPROVED_STATUSES = (RequestStatus.APPROVED, RequestStatus.PAID, RequestStatus.CARRIED)

STATUS_TONES = {
    RequestStatus.DRAFT: "muted",
    RequestStatus.PROPOSED: "info",
    RequestStatus.APPROVED: "ok",
    RequestStatus.REJECTED: "bad",
    RequestStatus.PAID: "ok",
    RequestStatus.CARRIED: "muted",
}


class SpendingRequestQuerySet(models.QuerySet["SpendingRequest"]):
    def approved(self) -> SpendingRequestQuerySet:
        return self.filter(status__in=APPROVED_STATUSES)

    def still_open(self) -> SpendingRequestQuerySet:
        """Approved and not yet settled: their unspent approval is still available to them."""
        return self.filter(status=RequestStatus.APPROVED)


class SpendingRequest(models.Model):
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spending_requests",
    )
    requested_on = models.DateField(null=True, blank=True)
    currency = currency_field(help_text="The currency of the cost items, e.g. GBP.")
    exchange_rate = models.DecimalField(
        **RATE,
        default=Decimal(1),
        help_text="Units of the base currency per unit of this currency (1.6825 USD per GBP).",
    )
    rate_on = models.DateField("rate date", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    approved_amount = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        help_text="In the base currency; may be rounded up as a buffer against exchange rates.",
    )
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.CharField(
        max_length=150, blank=True, help_text="Who approved, e.g. 'Advisory Board'."
    )
    approval_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text='Where the decision is recorded, e.g. "AB meeting 15 May 2014, motion '
        "'Approve this expense', carried\".",
    )
    # Motions arrive with a later issue; until then an approval is recorded by reference. The
    # motions app links here by calling services.spending_request_approve(motion=...).
    approval_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    motion = models.ForeignKey(
        "motions.Motion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spending_requests",
        help_text="The motion that decides (or decided) the request: its authority once carried.",
    )
    proposed_amount = models.DecimalField(
        "up to",
        **MONEY,
        null=True,
        blank=True,
        help_text="The most the motion would approve, in the base currency: payments are capped "
        "at it.",
    )
    carried_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text="The previous year's request whose unspent approval this continues.",
    )
    notes = models.TextField(blank=True)
    # The key of the form that created it: the same form sent twice creates one request.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SpendingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["line_id", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exchange_rate__gt=0),
                name="spending_request_rate_positive",
                violation_error_message="An exchange rate must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="spending_request_approved_not_negative",
                violation_error_message="An approved amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=APPROVED_STATUSES) | Q(approved_amount__isnull=False),
                name="spending_request_approved_has_amount",
                violation_error_message="An approved request needs its approved amount.",
            ),
            # The key a payment's (request, line) pair refers to; see Payment below.
            models.UniqueConstraint(fields=["id", "line"], name="spending_request_id_line"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budget:request_detail", args=[self.line.fiscal_year.board.slug, self.pk])

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[RequestStatus(self.status)]

    def breakdown(self, base_currency: str) -> Breakdown:
        """The cost breakdown as the board reads it. Uses prefetched items and shares if loaded."""
        return breakdown_of(
            self, list(self.items.all()), list(self.sponsor_shares.all()), base_currency
        )


@dataclass(frozen=True)
class Breakdown:
    items: list[CostItem]
    net: Money
    vat: Money
    gross: Money
    contributions: list[tuple[SponsorShare, Money]]
    board_share: Money
    requested: Money


def breakdown_of(
    request: SpendingRequest,
    items: list[CostItem],
    shares: list[SponsorShare],
    base_currency: str,
) -> Breakdown:
    """Items rounded one by one, summed; sponsors' shares of the gross; the rest converted."""
    gross = total((item.gross for item in items), request.currency)
    contributions = [(share, share.contribution_of(gross)) for share in shares]
    board_share = gross - total((money for _, money in contributions), request.currency)
    return Breakdown(
        items=items,
        net=total((item.net for item in items), request.currency),
        vat=total((item.vat for item in items), request.currency),
        gross=gross,
        contributions=contributions,
        board_share=board_share,
        requested=board_share.converted(rate=request.exchange_rate, to=base_currency),
    )


class CostItem(models.Model):
    request = models.ForeignKey(SpendingRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(1))
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. hour, night, person.")
    unit_cost = models.DecimalField(**MONEY, help_text="In the request's currency.")
    vat_rate = models.DecimalField(
        "VAT rate (%)",
        **PERCENT,
        default=ZERO,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    includes_vat = models.BooleanField(
        "amount includes VAT",
        default=False,
        help_text="Ticked when the supplier's figure is already gross, as 'GBP 648 inc VAT'.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["request_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="cost_item_quantity_positive",
                violation_error_message="A quantity must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0),
                name="cost_item_unit_cost_not_negative",
                violation_error_message="A unit cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0, vat_rate__lte=100),
                name="cost_item_vat_rate_in_range",
                violation_error_message="A VAT rate is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        """Quantity × unit cost as entered, rounded to the cent (net or gross, per includes_vat)."""
        return to_cents(self.quantity * self.unit_cost)

    @property
    def currency(self) -> str:
        return self.request.currency

    def _split(self) -> tuple[Decimal, Decimal, Decimal]:
        if self.includes_vat:
            net, vat = vat_included_in(self.amount, self.vat_rate)
            return net, vat, self.amount
        vat, gross = add_vat(self.amount, self.vat_rate)
        return self.amount, vat, gross

    @property
    def net(self) -> Money:
        return Money(self._split()[0], self.currency)

    @property
    def vat(self) -> Money:
        return Money(self._split()[1], self.currency)

    @property
    def gross(self) -> Money:
        return Money(self._split()[2], self.currency)


class SponsorShare(models.Model):
    """A sponsor's contribution to a request: a percentage of its gross total, or a fixed sum."""

    request = models.ForeignKey(
        SpendingRequest, on_delete=models.CASCADE, related_name="sponsor_shares"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sponsor_shares"
    )
    percentage = models.DecimalField(
        **PERCENT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of the gross total, e.g. 50.",
    )
    fixed_amount = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Or a fixed sum, in the request's currency."
    )
    agreement_reference = models.CharField(
        max_length=200, blank=True, help_text="e.g. the sponsoring contract."
    )

    class Meta:
        ordering = ["request_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="sponsor_share_once_per_request"
            ),
            models.CheckConstraint(
                condition=(
                    Q(percentage__isnull=False, fixed_amount__isnull=True)
                    | Q(percentage__isnull=True, fixed_amount__isnull=False)
                ),
                name="sponsor_share_percentage_or_fixed",
                violation_error_message="Give a sponsor's share as a percentage or a fixed "
                "amount, not both.",
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gt=0, percentage__lte=100),
                name="sponsor_share_percentage_in_range",
                violation_error_message="A sponsor's percentage is more than 0 and at most 100.",
            ),
            models.CheckConstraint(
                condition=Q(fixed_amount__isnull=True) | Q(fixed_amount__gt=0),
                name="sponsor_share_fixed_positive",
                violation_error_message="A sponsor's fixed amount must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        if self.percentage is not None:
            return f"{self.organisation}: {self.percentage.normalize():f}%"
        return f"{self.organisation}: {self.fixed_amount}"

    def contribution_of(self, gross: Money) -> Money:
        if self.percentage is not None:
            return Money(percent_of(gross.amount, self.percentage), gross.currency)
        return Money(to_cents(self.fixed_amount or ZERO), gross.currency)


class Payment(models.Model):
    """Money paid out against a line, usually for one of its requests.

    A payment for a request is paid on that request's line. On PostgreSQL the pair
    (request, line) is a foreign key to the request's (id, line) (migration 0004), so neither a
    payment nor a request moved to another line can break it; on SQLite `payment_record` checks
    it, and nothing else writes payments.
    """

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="payments")
    request = models.ForeignKey(
        SpendingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    paid_on = models.DateField()
    amount = models.DecimalField(**MONEY)
    currency = currency_field()
    exchange_rate = models.DecimalField(
        **RATE, default=Decimal(1), help_text="Units of the base currency per unit paid."
    )
    base_amount = models.DecimalField(
        "amount in base currency",
        **MONEY,
        help_text="amount × exchange rate, rounded to the cent; what the budget counts as spent.",
    )
    reference = models.CharField(max_length=200, blank=True, help_text="Invoice or transfer.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The key of the form that recorded it: the same form sent twice records one payment.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["line_id", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message="A payment must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__gt=0),
                name="payment_rate_positive",
                violation_error_message="An exchange rate must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(base_amount__gte=0),
                name="payment_base_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount} on {self.paid_on}"

    def converted_amount(self, base_currency: str) -> Decimal:
        return (
            Money(self.amount, self.currency)
            .converted(rate=self.exchange_rate, to=base_currency)
            .amount
        )
