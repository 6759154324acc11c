"""Reads the budget pages share: a year's figures, a line's requests, the carry-over preview.

The derived figures, as the board defines them (and as every page and export states them):
- approved: the sum of the amounts approved for the line's requests (approved, paid or carried);
- spent: the sum of the payments on the line, each converted to the base currency when paid;
- approved but unspent: for each approved request not yet settled, its approved amount minus what
  was paid against it (never below zero), summed;
- available for allocation: planned minus spent (the spreadsheet's column I, "Planned-Unspent").

Each is computed by the database in a fixed number of queries, whatever the number of lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from budget.models import (
    APPROVED_STATUSES,
    CATEGORY_ORDER,
    BudgetLine,
    Category,
    FiscalYear,
    Payment,
    SpendingRequest,
    SponsorShare,
    YearStatus,
)
from budget.money import ZERO, to_cents
from governance.compiled import CompiledQuery
from governance.models import Board

AMOUNT = DecimalField(max_digits=16, decimal_places=2)
NOTHING = Value(ZERO, output_field=AMOUNT)

COLUMNS = [
    ("planned", "Planned"),
    ("approved", "Approved"),
    ("spent", "Spent"),
    ("approved_unspent", "Approved but unspent"),
    ("available", "Available for allocation"),
]

DEFINITIONS = [
    ("Planned", "what the board budgeted for the line."),
    ("Approved", "the sum of the amounts the board approved for the line's spending requests."),
    ("Spent", "the sum of the payments on the line, converted to the base currency when paid."),
    (
        "Approved but unspent",
        "for each approved request not yet settled, what was approved minus what was paid "
        "against it; this is what a year-end carry-over moves.",
    ),
    (
        "Available for allocation",
        "planned minus spent (the spreadsheet's column I, “Planned-Unspent”). It does not "
        "subtract approvals, so that nothing approved is lost from view.",
    ),
]


def _sum_by(queryset: QuerySet, group: str, column: str) -> Subquery:
    return Subquery(
        queryset.order_by().values(group).annotate(total=Sum(column)).values("total"),
        output_field=AMOUNT,
    )


def paid_on_requests() -> Subquery:
    """Per request (OuterRef 'pk'): the base-currency sum of its payments."""
    return _sum_by(Payment.objects.filter(request=OuterRef("pk")), "request", "base_amount")


def with_paid(requests: QuerySet[SpendingRequest]) -> QuerySet[SpendingRequest]:
    return requests.annotate(paid=Coalesce(paid_on_requests(), NOTHING))


def with_figures(lines: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """Lines annotated with approved, spent, approved_unspent and available, in one query."""
    open_requests = with_paid(
        SpendingRequest.objects.filter(line=OuterRef("pk")).still_open()
    ).annotate(left=Greatest(F("approved_amount") - F("paid"), NOTHING, output_field=AMOUNT))
    return lines.annotate(
        approved=Coalesce(
            _sum_by(
                SpendingRequest.objects.filter(line=OuterRef("pk"), status__in=APPROVED_STATUSES),
                "line",
                "approved_amount",
            ),
            NOTHING,
        ),
        spent=Coalesce(
            _sum_by(Payment.objects.filter(line=OuterRef("pk")), "line", "base_amount"), NOTHING
        ),
        approved_unspent=Coalesce(_sum_by(open_requests, "line", "left"), NOTHING),
    ).annotate(available=F("planned") - F("spent"))


@dataclass
class Figures:
    """One row of sums: a line, a category subtotal or the year's total."""

    planned: Decimal = ZERO
    approved: Decimal = ZERO
    spent: Decimal = ZERO
    approved_unspent: Decimal = ZERO
    available: Decimal = ZERO

    def add(self, other) -> None:
        for name, _ in COLUMNS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_list(self) -> list[Decimal]:
        return [getattr(self, name) for name, _ in COLUMNS]


@dataclass
class CategoryGroup:
    category: str
    label: str
    lines: list[BudgetLine] = field(default_factory=list)
    subtotal: Figures = field(default_factory=Figures)
    # All the category's lines, and how many of them paid out more than was approved, whether
    # or not `lines` holds them (a folded or paged year overview).
    line_count: int = 0
    overspent_count: int = 0


@dataclass
class ChartBar:
    label: str
    value: Decimal
    x: float
    y: float
    width: float
    height: float
    kind: str


@dataclass
class ChartGroup:
    label: str
    x: float
    bars: list[ChartBar]


@dataclass
class YearOverview:
    fiscal_year: FiscalYear
    groups: list[CategoryGroup]
    total: Figures
    line_count: int

    @property
    def currency(self) -> str:
        return self.fiscal_year.currency

    def chart(self, *, width: int = 660, height: int = 220) -> Chart | None:
        """Planned, approved and spent per category as bar geometry for a server-side SVG."""
        kinds = [("planned", "Planned"), ("approved", "Approved"), ("spent", "Spent")]
        peak = max(
            (getattr(group.subtotal, kind) for group in self.groups for kind, _ in kinds),
            default=ZERO,
        )
        if not self.groups or peak <= 0:
            return None
        step = nice_step(peak / 4)
        top = (peak / step).to_integral_value(rounding=ROUND_CEILING) * step
        ticks = [
            ChartTick(value=step * n, y=round(height - float(step * n / top) * height, 1))
            for n in range(int(top / step) + 1)
        ]
        slot = width / len(self.groups)
        bar = min(slot / (len(kinds) + 1.5), 42)
        groups = []
        for index, group in enumerate(self.groups):
            left = index * slot + (slot - bar * len(kinds)) / 2
            bars = []
            for offset, (kind, label) in enumerate(kinds):
                value = getattr(group.subtotal, kind)
                bar_height = float(max(value, ZERO) / top) * height
                bars.append(
                    ChartBar(
                        label=label,
                        value=value,
                        x=round(left + offset * bar, 1),
                        y=round(height - bar_height, 1),
                        width=round(bar - 2, 1),
                        height=round(bar_height, 1),
                        kind=kind,
                    )
                )
            groups.append(
                ChartGroup(label=group.label, x=round(index * slot + slot / 2, 1), bars=bars)
            )
        return Chart(groups=groups, ticks=ticks, width=width, height=height)


@dataclass
class ChartTick:
    value: Decimal
    y: float


@dataclass
class Chart:
    groups: list[ChartGroup]
    ticks: list[ChartTick]
    width: int
    height: int


def nice_step(rough: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10^n at or above `rough`, for round gridline values."""
    magnitude = Decimal(10) ** rough.adjusted()
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= rough:
            return magnitude * factor
    return magnitude * 10


def year_overview(fiscal_year: FiscalYear, category: str = "") -> YearOverview:
    """The year's lines grouped by category, with subtotals and totals (one query for lines)."""
    lines = with_figures(BudgetLine.objects.filter(fiscal_year=fiscal_year))
    if category:
        lines = lines.filter(category=category)
    groups: dict[str, CategoryGroup] = {}
    total = Figures()
    count = 0
    for line in sorted(lines, key=lambda line: (CATEGORY_ORDER[line.category], line.title)):
        for name, _ in COLUMNS:
            # SQLite sums decimals as floats; the cents are exact, the representation is not.
            setattr(line, name, to_cents(getattr(line, name)))
        group = groups.setdefault(
            line.category,
            CategoryGroup(category=line.category, label=Category(line.category).label),
        )
        group.lines.append(line)
        group.subtotal.add(line)
        total.add(line)
        count += 1
    return YearOverview(
        fiscal_year=fiscal_year, groups=list(groups.values()), total=total, line_count=count
    )


# A year of more lines than this opens folded: each category's subtotal, its lines a link away.
FOLD_LINES_OVER = 60
LINES_PER_PAGE = 50


def _sums(lines: QuerySet[BudgetLine]) -> QuerySet:
    return (
        with_figures(lines)
        .order_by()
        .values("category")
        .annotate(
            line_count=Count("pk"),
            overspent_count=Count("pk", filter=Q(spent__gt=F("approved"))),
            **{f"sum_{name}": Sum(name) for name, _ in COLUMNS if name != "available"},
        )
    )


def _year_sums(year_id: int) -> QuerySet:
    return _sums(BudgetLine.objects.filter(fiscal_year_id=year_id))


def _category_sums(year_id: int, category: str) -> QuerySet:
    return _sums(BudgetLine.objects.filter(fiscal_year_id=year_id, category=category))


def _year_lines(year_id: int) -> QuerySet[BudgetLine]:
    return with_figures(
        BudgetLine.objects.filter(fiscal_year_id=year_id).select_related(
            "carried_from__fiscal_year"
        )
    )


# The year's page asks these on every view: compiled once per process (governance/compiled.py).
_year_sums_of = CompiledQuery(_year_sums, year_id=2_000_001_001)
_category_sums_of = CompiledQuery(
    _category_sums, year_id=2_000_001_003, category="precompiled-stand-in-category"
)
_year_lines_of = CompiledQuery(_year_lines, year_id=2_000_001_005)


def year_summary(fiscal_year: FiscalYear, category: str = "") -> YearOverview:
    """The year's figures by category and in total, summed by the database in one query; no
    lines (see `year_overview_page`)."""
    if category:
        rows = _category_sums_of.results(year_id=fiscal_year.pk, category=category)
    else:
        rows = _year_sums_of.results(year_id=fiscal_year.pk)
    groups = []
    total = Figures()
    for row in sorted(rows, key=lambda row: CATEGORY_ORDER[row["category"]]):
        # SQLite sums decimals as floats; the cents are exact, the representation is not.
        subtotal = Figures(
            **{
                name: to_cents(row[f"sum_{name}"] or ZERO)
                for name, _ in COLUMNS
                if name != "available"
            }
        )
        subtotal.available = subtotal.planned - subtotal.spent
        groups.append(
            CategoryGroup(
                category=row["category"],
                label=Category(row["category"]).label,
                subtotal=subtotal,
                line_count=row["line_count"],
                overspent_count=row["overspent_count"],
            )
        )
        total.add(subtotal)
    return YearOverview(
        fiscal_year=fiscal_year,
        groups=groups,
        total=total,
        line_count=sum(group.line_count for group in groups),
    )


@dataclass
class YearPage:
    """What the year's page shows: the figures, and the lines only where they are few (the
    whole year up to FOLD_LINES_OVER lines, else one category a page at a time)."""

    overview: YearOverview
    folded: bool
    page: Page | None = None


def year_overview_page(fiscal_year: FiscalYear, category: str = "", page=None) -> YearPage:
    """Two queries whatever the number of lines: the sums, then at most a page of lines."""
    overview = year_summary(fiscal_year, category)
    if not category and overview.line_count > FOLD_LINES_OVER:
        return YearPage(overview=overview, folded=True)
    shown = None
    if not category:
        lines = _year_lines_of.results(year_id=fiscal_year.pk)
    else:
        lines = _year_lines(fiscal_year.pk)
        paginator = Paginator(
            lines.filter(category=category).order_by("title", "pk"), LINES_PER_PAGE
        )
        paginator.count = overview.line_count  # summed already: no count query
        shown = paginator.get_page(page)
        lines = shown.object_list if overview.line_count else []
    by_category = {group.category: group for group in overview.groups}
    for line in sorted(lines, key=lambda line: (CATEGORY_ORDER[line.category], line.title)):
        for name, _ in COLUMNS:
            setattr(line, name, to_cents(getattr(line, name)))
        by_category[line.category].lines.append(line)
    return YearPage(overview=overview, folded=False, page=shown)


def requests_of_year(fiscal_year: FiscalYear) -> QuerySet[SpendingRequest]:
    return (
        with_paid(SpendingRequest.objects.filter(line__fiscal_year=fiscal_year))
        .select_related("line")
        .order_by("line__category", "line__title", "title")
    )


def years_of(board: Board) -> QuerySet[FiscalYear]:
    """The board's years, newest first, with their planned and spent totals."""
    return (
        FiscalYear.objects.of(board)
        .annotate(
            planned=Coalesce(
                _sum_by(
                    BudgetLine.objects.filter(fiscal_year=OuterRef("pk")), "fiscal_year", "planned"
                ),
                NOTHING,
            ),
            spent=Coalesce(
                _sum_by(
                    Payment.objects.filter(line__fiscal_year=OuterRef("pk")),
                    "line__fiscal_year",
                    "base_amount",
                ),
                NOTHING,
            ),
            approved=Coalesce(
                _sum_by(
                    SpendingRequest.objects.filter(
                        line__fiscal_year=OuterRef("pk"), status__in=APPROVED_STATUSES
                    ),
                    "line__fiscal_year",
                    "approved_amount",
                ),
                NOTHING,
            ),
        )
        .annotate(available=F("planned") - F("spent"))
    )


def line_with_figures(line_id: int) -> QuerySet[BudgetLine]:
    return with_figures(
        BudgetLine.objects.filter(pk=line_id).select_related(
            "fiscal_year__board", "carried_from__fiscal_year"
        )
    )


def requests_on_line(line: BudgetLine) -> QuerySet[SpendingRequest]:
    return (
        with_paid(line.requests.all())
        .select_related("requested_by", "carried_from__line__fiscal_year")
        .prefetch_related("items", "sponsor_shares__organisation")
        .order_by("title")
    )


def request_for_page(queryset: QuerySet[SpendingRequest]) -> QuerySet[SpendingRequest]:
    """What the request page shows, loaded in a fixed number of queries."""
    return (
        with_paid(queryset)
        .select_related(
            "line__fiscal_year__board",
            "requested_by",
            "approval_recorded_by",
            "motion__meeting",
            "carried_from__line__fiscal_year",
            "carried_into__line__fiscal_year",
        )
        .prefetch_related(
            "items",
            Prefetch("sponsor_shares", SponsorShare.objects.select_related("organisation")),
            Prefetch("payments", Payment.objects.order_by("paid_on", "pk")),
        )
    )


def _request_of_board(board_id: int, request_id: int) -> QuerySet[SpendingRequest]:
    return request_for_page(
        SpendingRequest.objects.filter(pk=request_id, line__fiscal_year__board_id=board_id)
    )


# The request's page: six chains of joined rows and a correlated sum, compiled once per process
# (governance/compiled.py); its three prefetches are the ORM's.
request_of_board = CompiledQuery(
    _request_of_board, board_id=2_000_001_101, request_id=2_000_001_103
)


# -- Carry-over ----------------------------------------------------------------------------------


NEW_LINE = "new"


@dataclass(frozen=True)
class CarryOverMove:
    request: SpendingRequest
    amount: Decimal
    target_line: BudgetLine | None
    target_title: str


@dataclass(frozen=True)
class CarryOverChoice:
    """Where one line's carried requests land, and where else the secretary may send them:
    any line of the next year, or a new line of the same title when none has it."""

    origin: BudgetLine
    target: BudgetLine | None
    options: list[BudgetLine]
    new_line_allowed: bool

    @property
    def field_name(self) -> str:
        return f"into-{self.origin.pk}"

    @property
    def selected(self) -> str:
        return str(self.target.pk) if self.target else NEW_LINE


@dataclass
class CarryOverPlan:
    fiscal_year: FiscalYear
    next_year: FiscalYear | None
    moves: list[CarryOverMove]
    refusal: str = ""
    choices: list[CarryOverChoice] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((move.amount for move in self.moves), ZERO)

    def planned_for_new_line(self, origin_line_id: int) -> Decimal:
        """A line created by the carry-over plans exactly what is carried into it."""
        return sum(
            (move.amount for move in self.moves if move.request.line_id == origin_line_id), ZERO
        )


def carry_over_plan(
    fiscal_year: FiscalYear, into: Mapping[str, str] | None = None
) -> CarryOverPlan:
    """Exactly what a carry-over would move now, and why it would not run if it would not.

    Each line's requests land on the next year's line that continues it, else on the line of the
    same title, else on a new line of that title; `into` ({"into-<line id>": "<line id>" or
    "new"}, as the page's form sends it) overrides that per line. A choice that is not one of
    the options is ignored, so the preview always shows what would really happen.
    """
    into = into or {}
    next_year = FiscalYear.objects.of(fiscal_year.board).filter(year=fiscal_year.year + 1).first()
    plan = CarryOverPlan(fiscal_year=fiscal_year, next_year=next_year, moves=[])
    if fiscal_year.status != YearStatus.CLOSED:
        plan.refusal = (
            f"The {fiscal_year.year} budget is {fiscal_year.get_status_display().lower()}: close "
            "the year first, so that nothing more is paid from it, then carry over."
        )
    elif next_year is None:
        plan.refusal = f"There is no {fiscal_year.year + 1} fiscal year yet; create it first."
    elif next_year.is_closed:
        plan.refusal = f"The {next_year.year} fiscal year is closed; it cannot take carry-overs."
    elif next_year.currency != fiscal_year.currency:
        plan.refusal = (
            f"{fiscal_year.year} is kept in {fiscal_year.currency} and {next_year.year} in "
            f"{next_year.currency}; carry-over needs the same base currency."
        )
    requests = (
        with_paid(
            SpendingRequest.objects.filter(line__fiscal_year=fiscal_year)
            .still_open()
            .filter(carried_into__isnull=True)
        )
        .select_related("line")
        .order_by("line__category", "line__title", "title")
    )
    next_lines: list[BudgetLine] = []
    if next_year is not None:
        next_lines = list(
            BudgetLine.objects.filter(fiscal_year=next_year).order_by("category", "title")
        )
    continuing = {line.carried_from_id: line for line in next_lines if line.carried_from_id}
    by_title = {line.title.casefold(): line for line in next_lines}
    by_pk = {str(line.pk): line for line in next_lines}
    choices: dict[int, CarryOverChoice] = {}
    for request in requests:
        left = request.approved_amount - request.paid
        if left <= 0:
            continue
        origin = request.line
        if origin.pk not in choices:
            same_title = by_title.get(origin.title.casefold())
            target = continuing.get(origin.pk) or same_title
            wanted = into.get(f"into-{origin.pk}", "")
            if wanted in by_pk:
                target = by_pk[wanted]
            elif wanted == NEW_LINE and same_title is None:
                target = None
            choices[origin.pk] = CarryOverChoice(
                origin=origin,
                target=target,
                options=next_lines,
                new_line_allowed=same_title is None,
            )
        target = choices[origin.pk].target
        plan.moves.append(
            CarryOverMove(
                request=request,
                amount=left,
                target_line=target,
                target_title=target.title if target else origin.title,
            )
        )
    plan.choices = list(choices.values())
    return plan


# -- Dashboard -----------------------------------------------------------------------------------


def _year_at_a_glance(board_id: int, today: dt.date) -> QuerySet[FiscalYear]:
    this_year = Q(starts_on__lte=today, ends_on__gte=today)
    return (
        years_of(Board(pk=board_id))
        .filter(this_year | ~Q(status=YearStatus.DRAFT))
        .order_by(Case(When(this_year, then=Value(0)), default=Value(1)), "-year")[:1]
    )


# The dashboard's card: compiled once per process (governance/compiled.py).
_glance = CompiledQuery(_year_at_a_glance, board_id=2_000_000_301, today=dt.date(2001, 2, 5))


def year_at_a_glance(board: Board) -> FiscalYear | None:
    """This year's budget if there is one, else the latest; with its totals annotated."""
    found = _glance.results(board_id=board.pk, today=timezone.localdate())
    return found[0] if found else None
