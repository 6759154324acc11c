"""Who may see a motion and who may put, open, close or record it. Views ask here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from governance.access import get_board_for
from governance.models import Board, Standing
from meetings.access import can_record
from motions.models import Motion


def get_motion_for(user, board_slug: str, motion_id: int) -> tuple[Board, Standing, Motion]:
    """The motion and the user's standing on its board; 404 outside the board."""
    board, standing = get_board_for(user, board_slug)
    motion = get_object_or_404(
        Motion.objects.select_related(
            "board",
            "meeting",
            "meeting__board",
            "item",
            "proposer",
            "seconder",
            "depends_on",
            "amends",
            "replaces",
            "closed_by",
        ),
        pk=motion_id,
        board=board,
    )
    return board, standing, motion


def can_manage(user, standing: Standing, motion: Motion) -> bool:
    """A meeting's motions: whoever records the meeting. Ballots: the chair or a secretary."""
    if motion.meeting_id:
        return can_record(user, standing, motion.meeting)
    return standing.is_officer


def require_manager(user, standing: Standing, motion: Motion) -> None:
    if not can_manage(user, standing, motion):
        raise PermissionDenied(
            "Only the meeting's chair, a secretary or the minute taker may do this."
            if motion.meeting_id
            else "Only the chair or a secretary may do this."
        )
