"""Minutes approved by the board's motion: putting circulated minutes to a later meeting or to a
ballot, and approving them when that motion carries. minutes imports motions, never the reverse:
motions calls back through `motions.services.on_decided` and names the minutes on its page
through `motions.related`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from governance import audit
from meetings.models import AgendaItem, Meeting
from minutes import services
from minutes.errors import BadTransition, InvalidRevision
from minutes.models import ApprovalMethod, Minutes, MinutesStatus
from motions import related
from motions import services as motion_services
from motions.errors import MotionError
from motions.models import Method, Motion, Outcome, Status
from motions.services import MotionDetails

PENDING = (Status.DRAFT, Status.OPEN, Status.TABLED)


def motion_text_for(minutes: Minutes) -> str:
    return f"Approve the minutes of {minutes.meeting.title} as circulated"


@transaction.atomic
def minutes_put_to_board(
    *,
    minutes: Minutes,
    actor,
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    method: str = Method.WITHOUT_OBJECTION,
    closes_at: dt.datetime | None = None,
) -> Motion:
    """Put circulated minutes to the board: a motion on a later meeting's agenda (under `item`,
    or a new decision item), decided by `method`; or a ballot open until `closes_at`. The motion
    carrying approves them."""
    minutes = services._locked(minutes)
    board = minutes.meeting.board
    services.require_officer(actor, board)
    if not minutes.is_circulated:
        if minutes.is_approved:
            raise BadTransition("These minutes are already approved.")
        raise BadTransition("Circulate the minutes to the board before putting them to it.")
    if minutes.approval_motion_id and minutes.approval_motion.status in PENDING:
        raise BadTransition(
            f"The minutes are already before the board: “{minutes.approval_motion.title}”."
        )
    if meeting is None and closes_at is None:
        raise InvalidRevision("Choose a later meeting, or give the ballot a deadline.")
    if meeting is not None and (
        meeting.board_id != board.pk or meeting.starts_at <= minutes.meeting.starts_at
    ):
        raise InvalidRevision("Minutes are approved at a later meeting of the same board.")
    details = MotionDetails(
        text=motion_text_for(minutes),
        method=Method.BALLOT if meeting is None else method,
        closes_at=closes_at if meeting is None else None,
    )
    try:
        motion = motion_services.motion_create(
            board=board,
            meeting=meeting,
            item=item if meeting is not None else None,
            details=details,
            actor=actor,
            agenda_title=f"Approve the minutes of {minutes.meeting.title}" if meeting else "",
        )
        if meeting is None:
            motion = motion_services.motion_open(motion=motion, actor=actor, closes_at=closes_at)
    except MotionError as refusal:
        raise InvalidRevision(refusal.message) from refusal
    before = audit.snapshot(minutes)
    minutes.approval_motion = motion
    minutes.save(update_fields=["approval_motion"])
    where = f"the agenda of {meeting.title}" if meeting else "a ballot"
    audit.record(
        board=board,
        actor=actor,
        action="minutes.put_to_board",
        target=minutes,
        summary=f"Put {minutes.title} to the board in {where}",
        data={"motion": motion.pk},
        changes=audit.changes_between(before, audit.snapshot(minutes)),
    )
    return motion


def reference_for(motion: Motion) -> str:
    """'Motion “Approve the minutes of May 2014 as circulated”, carried at June 2014 (9–0–1)'."""
    reference = f"Motion “{motion.title}”, {motion.get_outcome_display().lower()}"
    if motion.meeting_id:
        reference += f" at {motion.meeting.title}"
    else:
        closed = timezone.localtime(motion.closed_at, motion.board.zone)
        reference += f" by ballot closing {closed.day} {closed:%b %Y}"
    if motion.has_tally:
        reference += f" ({motion.votes_for}–{motion.votes_against}–{motion.votes_abstain})"
    return reference[:300]


@motion_services.on_decided
def approve_when_carried(*, motion: Motion, actor) -> None:
    """A carried motion approves the minutes put to it, in the closing transaction; a motion
    that did not carry leaves them circulated, to be put again."""
    motions = [motion.pk] + ([motion.replaces_id] if motion.replaces_id else [])
    pending = Minutes.objects.filter(
        approval_motion_id__in=motions, status=MinutesStatus.CIRCULATED
    ).values_list("pk", flat=True)
    for pk in pending:
        minutes = services._locked(Minutes(pk=pk))
        if motion.outcome != Outcome.CARRIED:
            audit.record(
                board=motion.board,
                actor=actor,
                action="minutes.not_approved",
                target=minutes,
                summary=f"{minutes.title} not approved: {reference_for(motion)}",
                data={"motion": motion.pk},
            )
            continue
        services.approve_locked(
            minutes,
            actor=actor,
            method=ApprovalMethod.BALLOT if motion.is_ballot else ApprovalMethod.MOTION,
            reference=reference_for(motion),
            approval_meeting=motion.meeting,
            motion=motion,
            at=motion.closed_at,
        )


@related.register("minutes")
def minutes_decided_by(motion: Motion) -> list[related.Related]:
    found = Minutes.objects.filter(approval_motion=motion).select_related("meeting__board")
    return [
        related.Related(
            label=f"{minutes.title} ({minutes.get_status_display().lower()})",
            url=minutes.get_absolute_url(),
            note="Minutes",
        )
        for minutes in found
    ]
