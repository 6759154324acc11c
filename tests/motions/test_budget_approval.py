"""A spending request approved by a motion: proposed from the request page, approved when the
motion carries (linked both ways), rejected when it fails, payments capped at "up to"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget import services as budget_services
from budget.approvals import spending_request_put_to_motion
from budget.models import RequestStatus, YearStatus
from budget.services import BudgetError
from motions import services
from motions.models import Choice, Method, Motion, Status
from tests.budget.factories import (
    BudgetLineFactory,
    CostItemFactory,
    FiscalYearFactory,
    SpendingRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def spending_request(cast):
    year = FiscalYearFactory(board=cast.board, year=2024, status=YearStatus.APPROVED)
    line = BudgetLineFactory(fiscal_year=year, planned=Decimal("8000.00"))
    request = SpendingRequestFactory(line=line, title="Hackathon evening event")
    CostItemFactory(request=request, unit_cost=Decimal("2613.68"))
    return request


def test_carried_motion_approves_the_request_with_the_motion_as_authority(
    cast, meeting, spending_request
):
    motion = spending_request_put_to_motion(
        request=spending_request, amount=Decimal("3000.00"), actor=cast.sam, meeting=meeting
    )
    assert motion.text == "Approve spending for Hackathon evening event, up to USD 3,000.00"
    assert motion.item.title == "Approve spending: Hackathon evening event"
    spending_request.refresh_from_db()
    assert (spending_request.status, spending_request.motion) == (RequestStatus.PROPOSED, motion)
    services.motion_record(motion=motion, actor=cast.alice, counts=(3, 0, 0))
    spending_request.refresh_from_db()
    assert spending_request.status == RequestStatus.APPROVED
    assert spending_request.approved_amount == Decimal("3000.00")
    assert spending_request.motion == motion
    assert "carried" in spending_request.approval_reference
    assert list(motion.spending_requests.all()) == [spending_request]


def test_failed_motion_rejects_the_request(cast, meeting, spending_request):
    motion = spending_request_put_to_motion(
        request=spending_request, amount=Decimal("500"), actor=cast.sam, meeting=meeting
    )
    services.motion_record(motion=motion, actor=cast.alice, counts=(1, 2, 0))
    spending_request.refresh_from_db()
    assert spending_request.status == RequestStatus.REJECTED
    assert "failed" in spending_request.approval_reference


def test_inquorate_motion_leaves_request_proposed_and_its_ballot_decides(
    cast, meeting, spending_request
):
    from meetings import services as meeting_services
    from meetings.models import Attendance

    motion = spending_request_put_to_motion(
        request=spending_request,
        amount=Decimal("500"),
        actor=cast.sam,
        meeting=meeting,
        method=Method.WITHOUT_OBJECTION,
    )
    for person in (cast.greta, cast.ivan):
        meeting_services.attendance_depart(
            attendance=Attendance.objects.get(meeting=meeting, person=person), actor=cast.alice
        )
    services.motion_record(motion=motion, actor=cast.alice)
    spending_request.refresh_from_db()
    assert spending_request.status == RequestStatus.PROPOSED
    ballot = services.motion_to_ballot(
        motion=Motion.objects.get(pk=motion.pk),
        actor=cast.sam,
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    for person in (cast.victor, cast.greta, cast.ivan):
        services.vote_cast(motion=ballot, person=person, choice=Choice.FOR)
    spending_request.refresh_from_db()
    assert (spending_request.status, spending_request.motion) == (RequestStatus.APPROVED, ballot)


def test_ballot_from_the_request(cast, spending_request):
    deadline = timezone.now() + dt.timedelta(days=7)
    motion = spending_request_put_to_motion(
        request=spending_request, amount=Decimal("100"), actor=cast.sam, closes_at=deadline
    )
    assert (motion.method, motion.status, motion.closes_at) == (
        Method.BALLOT,
        Status.OPEN,
        deadline,
    )
    with pytest.raises(BudgetError, match="already before the board"):
        spending_request_put_to_motion(
            request=spending_request, amount=Decimal("100"), actor=cast.sam, closes_at=deadline
        )


@pytest.mark.parametrize(
    ("amount", "message"), [(Decimal(0), "more than zero"), (Decimal("1.001"), "whole cents")]
)
def test_bad_amounts_propose_nothing(cast, meeting, spending_request, amount, message):
    with pytest.raises(BudgetError, match=message):
        spending_request_put_to_motion(
            request=spending_request, amount=amount, actor=cast.sam, meeting=meeting
        )
    assert not Motion.objects.exists()
    spending_request.refresh_from_db()
    assert spending_request.status == RequestStatus.DRAFT


def test_payments_stop_at_the_amount_approved_up_to(cast, meeting, spending_request):
    motion = spending_request_put_to_motion(
        request=spending_request, amount=Decimal("100.00"), actor=cast.sam, meeting=meeting
    )
    services.motion_record(motion=motion, actor=cast.alice, counts=(3, 0, 0))
    spending_request.refresh_from_db()
    pay = {
        "line": spending_request.line,
        "paid_on": spending_request.line.fiscal_year.starts_on,
        "currency": "USD",
        "actor": cast.sam,
        "request": spending_request,
    }
    budget_services.payment_record(amount=Decimal("60.00"), **pay)
    budget_services.payment_record(amount=Decimal("40.00"), **pay)  # exactly up to: fine
    with pytest.raises(BudgetError, match="up to USD 100.00; USD 0.00 is left"):
        budget_services.payment_record(amount=Decimal("0.01"), **pay)


def test_request_page_puts_it_to_the_board_and_shows_the_outcome(
    cast, meeting, spending_request, client_for
):
    page_url = spending_request.get_absolute_url()
    sam = client_for(cast.sam)
    assert "Put it to the board" in sam.get(page_url).content.decode()
    assert "Put it to the board" not in client_for(cast.victor).get(page_url).content.decode()
    put_url = reverse("budget:request_put_to_board", args=[cast.board.slug, spending_request.pk])
    assert (
        client_for(cast.victor).post(put_url, {"amount": "10", "where": "ballot"}).status_code
        == 403
    )
    bad = sam.post(put_url, {"amount": "10", "where": "ballot"}, follow=True)
    assert "A ballot needs a deadline." in bad.content.decode()
    assert not Motion.objects.exists()
    response = sam.post(put_url, {"amount": "3000", "where": str(meeting.pk), "method": "counts"})
    motion = Motion.objects.get()
    assert response["Location"] == motion.get_absolute_url()
    assert (
        "Hackathon evening event (proposed)" in sam.get(motion.get_absolute_url()).content.decode()
    )
    services.motion_record(motion=motion, actor=cast.alice, counts=(2, 0, 1))
    page = client_for(cast.victor).get(page_url).content.decode()
    assert "Approved by the motion" in page and motion.title in page
