"""Spending requests approved by motions: putting a request to the board and acting on the
outcome. budget imports motions, never the reverse: motions calls back through
`motions.services.on_decided` and names the request on its page through `motions.related`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budget import services
from budget.models import APPROVED_STATUSES, RequestStatus, SpendingRequest
from budget.money import Money, to_cents
from governance import audit
from meetings.models import Meeting
from motions import related
from motions import services as motion_services
from motions.errors import MotionError
from motions.models import Method, Motion, Outcome, Status
from motions.services import MotionDetails


def motion_text_for(request: SpendingRequest, amount: Decimal, currency: str) -> str:
    return f"Approve spending for {request.title}, up to {Money(amount, currency)}"


@transaction.atomic
def spending_request_put_to_motion(
    *,
    request: SpendingRequest,
    amount: Decimal,
    actor,
    meeting: Meeting | None = None,
    method: str = Method.COUNTS,
    closes_at: dt.datetime | None = None,
) -> Motion:
    """Propose the request to the board as a motion "up to `amount`": on a meeting's agenda
    (a new decision item), or as a ballot open until `closes_at`. The request becomes proposed
    and names the motion; the motion carrying approves it."""
    request, fiscal_year = services._locked_request(request)
    services._require_status(request, services.EDITABLE_STATUSES, "put to the board")
    if request.motion_id and request.motion.status in (Status.DRAFT, Status.OPEN, Status.TABLED):
        raise services.BudgetError("The request is already before the board in a motion.")
    if not request.items.exists():
        raise services.BudgetError("Add at least one cost item before proposing the request.")
    if amount is None or amount <= 0:
        raise services.BudgetError("The amount to approve must be more than zero.")
    if to_cents(amount) != amount:
        raise services.BudgetError("The amount to approve is in whole cents.")
    board = fiscal_year.board
    details = MotionDetails(
        text=motion_text_for(request, amount, fiscal_year.currency),
        method=Method.BALLOT if meeting is None else method,
        closes_at=closes_at,
    )
    try:
        motion = motion_services.motion_create(
            board=board,
            meeting=meeting,
            details=details,
            actor=actor,
            agenda_title=f"Approve spending: {request.title}" if meeting else "",
        )
        if meeting is None:
            motion = motion_services.motion_open(motion=motion, actor=actor, closes_at=closes_at)
    except MotionError as refusal:
        raise services.BudgetError(refusal.message) from refusal
    request.motion = motion
    request.proposed_amount = amount
    request.status = RequestStatus.PROPOSED
    request.save(update_fields=["motion", "proposed_amount", "status"])
    where = f"the agenda of “{meeting.title}”" if meeting else "a ballot"
    audit.record(
        board=board,
        actor=actor,
        action="budget.request.propose",
        target=request,
        summary=f"Put '{request.title}' to the board in {where}, up to "
        f"{Money(amount, fiscal_year.currency)}",
        data={"motion": motion.pk, "amount": str(amount)},
    )
    return motion


@motion_services.on_decided
def act_on_outcome(*, motion: Motion, actor) -> None:
    """A carried motion approves its request (with the motion as authority, for the amount it
    named); a failed one rejects it; "no quorum" leaves it proposed, to be put again."""
    motions = [motion.pk] + ([motion.replaces_id] if motion.replaces_id else [])
    requests = SpendingRequest.objects.filter(
        motion_id__in=motions, status=RequestStatus.PROPOSED
    ).select_related("line__fiscal_year__board")
    for request in requests:
        when = timezone.localtime(motion.closed_at, motion.board.zone).date()
        reference = f"Motion “{motion.title}”, {motion.get_outcome_display().lower()}"
        if motion.meeting_id:
            reference += f" at {motion.meeting.title}"
        else:
            reference += f" by ballot closing {when:%-d %b %Y}"
        if motion.has_tally:
            reference += f" ({motion.votes_for}–{motion.votes_against}–{motion.votes_abstain})"
        if motion.outcome == Outcome.CARRIED:
            request.motion = motion
            request.save(update_fields=["motion"])
            services.spending_request_approve(
                request=request,
                amount=request.proposed_amount,
                approved_on=when,
                approved_by=motion.board.name,
                reference=reference[:300],
                actor=actor,
                motion=motion,
            )
        elif motion.outcome != Outcome.NO_QUORUM:
            request.motion = motion
            request.save(update_fields=["motion"])
            services.spending_request_reject(
                request=request, reference=reference[:300], actor=actor
            )


@related.register("budget")
def requests_decided_by(motion: Motion) -> list[related.Related]:
    found = SpendingRequest.objects.filter(motion=motion).select_related("line__fiscal_year__board")
    return [
        related.Related(
            label=f"{request.title} ({request.get_status_display().lower()})",
            url=request.get_absolute_url(),
            note="Spending request",
        )
        for request in found
    ]


@transaction.atomic
def spending_request_cite_motion(*, request: SpendingRequest, motion: Motion, actor) -> None:
    """Name the carried motion as the authority of an approval first recorded by reference
    (as the minutes of a meeting held before Boardroom recorded it). Money is not touched."""
    request = SpendingRequest.objects.select_for_update().get(pk=request.pk)
    board = request.line.fiscal_year.board
    if request.status not in APPROVED_STATUSES:
        raise services.BudgetError("Only an approved request names the motion that approved it.")
    if motion.board_id != board.pk or motion.outcome != Outcome.CARRIED:
        raise services.BudgetError("Name a carried motion of the same board.")
    if request.motion_id:
        raise services.BudgetError("The request already names the motion that approved it.")
    request.motion = motion
    request.proposed_amount = request.approved_amount
    request.save(update_fields=["motion", "proposed_amount"])
    audit.record(
        board=board,
        actor=actor,
        action="budget.request.cite_motion",
        target=request,
        summary=f"Named the motion “{motion.title}” as the authority for '{request.title}'",
        data={"motion": motion.pk},
    )
