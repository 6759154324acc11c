"""The dashboard's "Next meeting" card."""

from __future__ import annotations

from django.http import HttpRequest

from governance.dashboard import register_card
from governance.models import Board, Standing
from meetings.access import can_record
from meetings.queries import upcoming_for_board


@register_card(order=20, name="next_meeting", template="meetings/cards/next_meeting.html")
def next_meeting(request: HttpRequest, board: Board, standing: Standing) -> dict | None:
    meeting = upcoming_for_board(board)
    return {
        "board": board,
        "meeting": meeting,
        "may_record": bool(meeting) and can_record(request.user, standing, meeting),
    }
