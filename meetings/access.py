"""Who may see a meeting and who may record it. Views ask here; nothing else decides."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from governance.access import get_board_and_seats_of, get_board_for
from governance.models import Board, Seat, Standing
from meetings.models import Meeting

# Marks a meeting read as stored, untouched since: `meetings.locking._locked` may then lock it by
# one conditional UPDATE instead of reading it again.
AS_STORED = "_as_stored"


def get_meeting_for(user, board_slug: str, meeting_id: int) -> tuple[Board, Standing, Meeting]:
    """The meeting and the user's standing on its board; 404 outside the board."""
    board, standing = get_board_for(user, board_slug)
    meeting = get_object_or_404(
        Meeting.objects.select_related("board", "chair", "minute_taker", "current_item"),
        pk=meeting_id,
        board=board,
    )
    return board, standing, meeting


def get_meeting_to_record(
    user, board_slug: str, meeting_id: int
) -> tuple[Board, Standing, Meeting]:
    """`get_meeting_for`, then `require_recorder`, for the console's every write: the person's
    seats with their board (one query), then the meeting with its current item (one more).
    The meeting is marked as read as stored, for `meetings.locking._locked`."""
    board, standing, meeting, _ = get_meeting_to_record_and_seats_of(
        user, board_slug, meeting_id, None
    )
    return board, standing, meeting


def get_meeting_to_record_and_seats_of(
    user, board_slug: str, meeting_id: int, person_id: int | None
) -> tuple[Board, Standing, Meeting, list[Seat]]:
    """`get_meeting_to_record`, and another person's seats on the board (any day), read in
    the same first query (the roll call naming someone who is not on it yet)."""
    board, standing, theirs = get_board_and_seats_of(user, board_slug, person_id)
    meeting = get_object_or_404(
        Meeting.objects.select_related("chair", "minute_taker", "current_item"),
        pk=meeting_id,
        board=board,
    )
    meeting.board = board
    require_recorder(user, standing, meeting)
    meeting.__dict__[AS_STORED] = True
    return board, standing, meeting, theirs


def can_record(user, standing: Standing, meeting: Meeting) -> bool:
    """The meeting's chair (the board's chair unless someone else presides), any secretary of
    the board, and the meeting's minute taker record; everyone else on the board reads."""
    return records(
        user.pk,
        secretary=standing.is_secretary,
        board_chair=standing.is_chair,
        chair_id=meeting.chair_id,
        minute_taker_id=meeting.minute_taker_id,
    )


def records(
    person_id: int,
    *,
    secretary: bool,
    board_chair: bool,
    chair_id: int | None,
    minute_taker_id: int | None,
) -> bool:
    """`can_record` from the facts it decides on, for a caller that read them its own way (the
    live poll's one query)."""
    if secretary:
        return True
    if chair_id is not None:
        if chair_id == person_id:
            return True
    elif board_chair:
        return True
    return minute_taker_id is not None and minute_taker_id == person_id


def require_recorder(user, standing: Standing, meeting: Meeting) -> None:
    if not can_record(user, standing, meeting):
        raise PermissionDenied(
            "Only the meeting's chair, a secretary or the minute taker may record this meeting."
        )


def can_plan(user, standing: Standing, meeting: Meeting | None = None) -> bool:
    """Scheduling meetings and building agendas: the board's chair and secretaries, and the
    person named to chair this meeting."""
    if standing.is_chair or standing.is_secretary:
        return True
    return meeting is not None and meeting.chair_id is not None and meeting.chair_id == user.pk


def require_planner(user, standing: Standing, meeting: Meeting | None = None) -> None:
    if not can_plan(user, standing, meeting):
        raise PermissionDenied(
            "Only the chair or a secretary may schedule meetings and build agendas."
        )
