"""The demo budget: the Xen Project's 2014 budget as the May 2014 minutes discuss it, and 2015.

The Hackathon request reproduces the minutes' figures exactly (see HACKATHON_ITEMS). The other
lines and figures are plausible, not historical. Everything is written through the services, once:
a request, line or year that already exists is left alone, so loading again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import transaction

from budget import services
from budget.approvals import spending_request_cite_motion
from budget.models import (
    BudgetLine,
    Category,
    FiscalYear,
    Payment,
    SpendingRequest,
    YearStatus,
)
from budget.services import CostItemInput, RequestInput, SponsorShareInput
from governance.models import Board, Organisation, User
from motions.models import Motion, Outcome

MAY_MEETING = dt.date(2014, 5, 15)
MAY_MOTION = "AB meeting 15 May 2014, motion 'Approve this expense', carried"

# The minutes: "Security Guard: 13 + VAT per hour (4 hours) = GBP 62,50". 4 × 13 × 1.20 is 62.40,
# but 62.50 is the figure the board approved and the one that makes the minutes' total of
# GBP 3,106.90 add up, so it is entered as the supplier's quoted gross for the 4-hour shift, with
# the discrepancy noted, rather than silently recomputed.
HACKATHON_ITEMS = [
    CostItemInput(
        description="Venue hire", unit_cost=D("500.00"), vat_rate=D(20), includes_vat=False
    ),
    CostItemInput(
        description="Security guard",
        quantity=D(1),
        unit="4-hour shift",
        unit_cost=D("62.50"),
        vat_rate=D(20),
        includes_vat=True,
        note="Quoted as GBP 13 + VAT per hour for 4 hours; 4 × 13 + 20% VAT would be 62.40, "
        "the quote and the approved breakdown say 62.50.",
    ),
    CostItemInput(description="Food", unit_cost=D("1796.40"), vat_rate=D(20), includes_vat=True),
    CostItemInput(description="Drinks", unit_cost=D("648.00"), vat_rate=D(20), includes_vat=True),
]

# year -> (category, title, planned)
LINES = {
    2014: [
        (Category.EVENTS, "Xen Project Hackathon", D("8000.00")),
        (Category.EVENTS, "Xen Project Developer Summit", D("60000.00")),
        (Category.EVENTS, "Trade shows and booths", D("25000.00")),
        (Category.MARKETING, "PR and analyst relations", D("36000.00")),
        (Category.MARKETING, "Collateral and website content", D("10000.00")),
        (Category.INFRASTRUCTURE, "Test framework (OSSTest hardware and hosting)", D("30000.00")),
        (Category.INFRASTRUCTURE, "Website security improvements", D("8000.00")),
        (Category.COMMUNITY, "Student programmes (GSoC, OPW internships)", D("15000.00")),
        (Category.COMMUNITY, "Document Days and user survey", D("2500.00")),
    ],
    2015: [
        (Category.EVENTS, "Xen Project Hackathon", D("10000.00")),
        (Category.EVENTS, "Xen Project Developer Summit", D("65000.00")),
        (Category.MARKETING, "PR and analyst relations", D("36000.00")),
        (Category.INFRASTRUCTURE, "Test framework (OSSTest hardware and hosting)", D("25000.00")),
        (Category.INFRASTRUCTURE, "Website security improvements", D("10000.00")),
        (Category.COMMUNITY, "Student programmes (GSoC, OPW internships)", D("15000.00")),
    ],
}


def _item(description: str, cost: str, quantity: str = "1", unit: str = "") -> CostItemInput:
    return CostItemInput(
        description=description, unit_cost=D(cost), quantity=D(quantity), unit=unit
    )


# Each: year, line title, request, approval (amount, date, reference) or None, payments
# (date, amount, currency, rate, reference), and whether it is settled.
REQUESTS = [
    {
        "year": 2014,
        "line": "Xen Project Developer Summit",
        "request": RequestInput(
            title="Developer Summit 2014, Chicago: venue and catering",
            currency="USD",
            requested_on=dt.date(2014, 3, 6),
            items=[
                _item("Venue, two days", "14000.00", "2", "day"),
                _item("Catering", "145.00", "100", "attendee"),
                _item("Audio-visual and recording", "4200.00"),
            ],
        ),
        "approval": (D("47000.00"), dt.date(2014, 3, 13), "AB meeting 13 March 2014, carried"),
        "payments": [
            (dt.date(2014, 4, 1), "20000.00", "USD", "1", "Venue deposit"),
            (dt.date(2014, 8, 25), "26650.00", "USD", "1", "Final invoice"),
        ],
        "settle": True,
    },
    {
        "year": 2014,
        "line": "Trade shows and booths",
        "request": RequestInput(
            title="LinuxCon Europe 2014 booth, Düsseldorf",
            currency="EUR",
            exchange_rate=D("1.2635"),
            rate_on=dt.date(2014, 7, 1),
            requested_on=dt.date(2014, 7, 1),
            items=[
                CostItemInput(description="Booth space", unit_cost=D("6500.00"), vat_rate=D(19)),
                CostItemInput(
                    description="Furniture and power",
                    unit_cost=D("900.00"),
                    vat_rate=D(19),
                    includes_vat=True,
                ),
            ],
        ),
        "approval": (D("11000.00"), dt.date(2014, 7, 10), "AB call 10 July 2014, carried"),
        "payments": [(dt.date(2014, 10, 2), "8635.00", "EUR", "1.2602", "Messe invoice 4471")],
        "settle": True,
    },
    {
        "year": 2014,
        "line": "PR and analyst relations",
        "request": RequestInput(
            title="PR agency retainer 2014",
            currency="USD",
            requested_on=dt.date(2014, 1, 9),
            items=[_item("Monthly retainer", "2500.00", "12", "month")],
        ),
        "approval": (D("30000.00"), dt.date(2014, 1, 16), "AB meeting 16 January 2014, carried"),
        "payments": [
            (dt.date(2014, 3, 31), "7500.00", "USD", "1", "Q1 retainer"),
            (dt.date(2014, 6, 30), "7500.00", "USD", "1", "Q2 retainer"),
            (dt.date(2014, 9, 30), "7500.00", "USD", "1", "Q3 retainer"),
            (dt.date(2014, 12, 31), "7500.00", "USD", "1", "Q4 retainer"),
        ],
        "settle": True,
    },
    {
        "year": 2014,
        "line": "Test framework (OSSTest hardware and hosting)",
        "request": RequestInput(
            title="Test lab servers for OSSTest",
            currency="USD",
            requested_on=dt.date(2014, 7, 3),
            items=[_item("x86 test hosts", "3100.00", "6", "server")],
        ),
        "approval": (D("19000.00"), dt.date(2014, 7, 10), "AB call 10 July 2014, carried"),
        "payments": [(dt.date(2014, 9, 15), "9300.00", "USD", "1", "First three hosts")],
        "settle": False,
    },
    {
        "year": 2014,
        "line": "Student programmes (GSoC, OPW internships)",
        "request": RequestInput(
            title="OPW internships, December 2014 round",
            currency="USD",
            requested_on=dt.date(2014, 10, 2),
            items=[_item("Intern stipend and travel", "5750.00", "2", "intern")],
        ),
        "approval": (D("11500.00"), dt.date(2014, 10, 9), "AB call 9 October 2014, carried"),
        "payments": [(dt.date(2014, 12, 15), "2300.00", "USD", "1", "First instalments")],
        "settle": False,
    },
    {
        "year": 2014,
        "line": "Student programmes (GSoC, OPW internships)",
        "request": RequestInput(
            title="GSoC 2014 mentor summit travel",
            currency="USD",
            requested_on=dt.date(2014, 9, 1),
            items=[_item("Travel grants", "800.00", "3", "mentor")],
        ),
        "approval": (D("2400.00"), dt.date(2014, 9, 11), "AB call 11 September 2014, carried"),
        "payments": [(dt.date(2014, 10, 30), "2150.00", "USD", "1", "Travel reimbursements")],
        "settle": True,
    },
    {
        "year": 2014,
        "line": "Website security improvements",
        "request": RequestInput(
            title="Website security review",
            currency="USD",
            requested_on=dt.date(2014, 5, 8),
            items=[_item("Review by the web site supplier", "6000.00")],
        ),
        "approval": (D("6000.00"), dt.date(2014, 5, 15), "AB meeting 15 May 2014, carried"),
        "payments": [(dt.date(2014, 8, 4), "6000.00", "USD", "1", "Supplier invoice")],
        "settle": True,
    },
    {
        "year": 2015,
        "line": "Website security improvements",
        "request": RequestInput(
            title="Website security hardening, phase 2",
            currency="USD",
            requested_on=dt.date(2015, 1, 8),
            items=[_item("Hardening work by the web site supplier", "7500.00")],
        ),
        "approval": None,
        "payments": [],
        "settle": False,
        "propose": True,
    },
]


def load(board: Board) -> None:
    """Load the demo budget into `board`; idempotent."""
    with transaction.atomic():
        _load(board)


def _load(board: Board) -> None:
    secretary = User.objects.get(email="sarah.conway@demo.boardroom.example")
    chair = User.objects.get(email="lars.kurth@demo.boardroom.example")
    years = {}
    for year, lines in LINES.items():
        fiscal_year = FiscalYear.objects.filter(board=board, year=year).first()
        if fiscal_year is None:
            fiscal_year = services.fiscal_year_create(board=board, year=year, actor=secretary)
        years[year] = fiscal_year
        for category, title, planned in lines:
            if not fiscal_year.is_closed and not fiscal_year.lines.filter(title=title).exists():
                services.budget_line_create(
                    fiscal_year=fiscal_year,
                    category=category,
                    title=title,
                    planned=planned,
                    actor=secretary,
                )

    _load_hackathon(board, years[2014], chair, secretary)
    for spec in REQUESTS:
        _load_request(spec, years[spec["year"]], chair, secretary)

    if years[2014].status == YearStatus.DRAFT:
        services.fiscal_year_set_status(
            fiscal_year=years[2014], status=YearStatus.APPROVED, actor=secretary
        )
    if years[2014].status != YearStatus.CLOSED:
        _line_payment(years[2014], secretary)
        years[2014] = services.fiscal_year_set_status(
            fiscal_year=years[2014], status=YearStatus.CLOSED, actor=secretary
        )
    if years[2015].status == YearStatus.DRAFT:
        services.fiscal_year_set_status(
            fiscal_year=years[2015], status=YearStatus.APPROVED, actor=secretary
        )


def _load_hackathon(board: Board, fiscal_year: FiscalYear, chair: User, secretary: User) -> None:
    line = fiscal_year.lines.get(title="Xen Project Hackathon")
    if line.requests.exists():
        return
    rackspace = Organisation.objects.get(board=board, name="Rackspace")
    request = services.spending_request_save(
        line=line,
        actor=secretary,
        data=RequestInput(
            title="Hackathon evening social event",
            description="Funding for the evening social event at the Xen Project Hackathon, "
            "London. Rackspace picks up 50% of the cost and provides space and catering during "
            "the day. The project pays the entire sum and Rackspace pays the project 50% under "
            "a sponsoring contract. USD 3,000 is suggested, above the USD 2,613.68 needed, to "
            "cover exchange-rate fluctuations.",
            currency="GBP",
            exchange_rate=D("1.6825"),
            rate_on=dt.date(2014, 5, 14),
            requested_by=chair,
            requested_on=dt.date(2014, 5, 14),
            items=HACKATHON_ITEMS,
            shares=[
                SponsorShareInput(
                    organisation=rackspace,
                    percentage=D(50),
                    agreement_reference="Sponsoring contract: Rackspace pays the project 50%",
                )
            ],
        ),
    )
    services.spending_request_propose(request=request, actor=secretary)
    services.spending_request_approve(
        request=request,
        amount=D("3000.00"),
        approved_on=MAY_MEETING,
        approved_by="Xen Project Advisory Board",
        reference=MAY_MOTION,
        actor=secretary,
    )
    services.payment_record(
        line=line,
        request=request,
        paid_on=dt.date(2014, 6, 30),
        amount=D("1553.45"),
        currency="GBP",
        exchange_rate=D("1.7072"),
        reference="Hackathon social, project's share after Rackspace's 50%",
        actor=secretary,
    )
    services.spending_request_settle(request=request, actor=secretary)


def _load_request(spec: dict, fiscal_year: FiscalYear, chair: User, secretary: User) -> None:
    line = fiscal_year.lines.get(title=spec["line"])
    if fiscal_year.is_closed or line.requests.filter(title=spec["request"].title).exists():
        return
    data = spec["request"]
    data = RequestInput(**{**data.__dict__, "requested_by": chair})
    request = services.spending_request_save(line=line, data=data, actor=secretary)
    if spec.get("propose"):
        services.spending_request_propose(request=request, actor=secretary)
    if spec["approval"]:
        amount, on, reference = spec["approval"]
        services.spending_request_approve(
            request=request,
            amount=amount,
            approved_on=on,
            approved_by="Xen Project Advisory Board",
            reference=reference,
            actor=secretary,
        )
    for paid_on, amount, currency, rate, reference in spec["payments"]:
        services.payment_record(
            line=line,
            request=request,
            paid_on=paid_on,
            amount=D(amount),
            currency=currency,
            exchange_rate=D(rate),
            reference=reference,
            actor=secretary,
        )
    if spec["settle"]:
        services.spending_request_settle(request=request, actor=secretary)


def _line_payment(fiscal_year: FiscalYear, secretary: User) -> None:
    """A small payment on a line without a request, as the spreadsheet also has."""
    line = BudgetLine.objects.get(fiscal_year=fiscal_year, title="Document Days and user survey")
    if not Payment.objects.filter(line=line, reference="Document Day prizes").exists():
        services.payment_record(
            line=line,
            paid_on=dt.date(2014, 4, 30),
            amount=D("350.00"),
            currency="USD",
            reference="Document Day prizes",
            actor=secretary,
        )


def link_motions(board: Board) -> None:
    """Name the May 2014 motion as the authority of the Hackathon request; idempotent. Runs after
    the meetings' demo, which records the motion as the minutes write it."""
    request = SpendingRequest.objects.filter(
        line__fiscal_year__board=board, title="Hackathon evening social event", motion=None
    ).first()
    motion = (
        Motion.objects.filter(
            board=board, text__startswith="Approve this expense", outcome=Outcome.CARRIED
        )
        .order_by("pk")
        .first()
    )
    if request is None or motion is None:
        return
    secretary = User.objects.get(email="sarah.conway@demo.boardroom.example")
    spending_request_cite_motion(request=request, motion=motion, actor=secretary)
