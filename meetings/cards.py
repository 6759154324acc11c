"""The dashboard's "Next meeting" card."""

from __future__ import annotations

from django.http import HttpRequest

from governance.dashboard import register_card
from governance.models import Board, Standing
from meetings.access import can_plan, can_record
from meetings.models import Attendance, AttendanceStatus
from meetings.queries import upcoming_for_board


@register_card(order=20, name="next_meeting", template="meetings/cards/next_meeting.html")
def next_meeting(request: HttpRequest, board: Board, standing: Standing) -> dict | None:
    meeting = upcoming_for_board(board)
    context = {"board": board, "meeting": meeting, "may_record": False, "items": []}
    if meeting is None:
        context["may_plan"] = can_plan(request.user, standing)
        return context
    meeting.board = board  # its links name the board; no need to read it again
    context["may_record"] = can_record(request.user, standing, meeting)
    context["may_plan"] = can_plan(request.user, standing, meeting)
    if meeting.agenda_is_published or context["may_plan"]:
        context["items"] = list(meeting.items.in_order().only("title", "planned_minutes"))
    context["sent_apologies"] = (
        meeting.is_scheduled
        and standing.is_member
        and Attendance.objects.filter(
            meeting=meeting, person=request.user, status=AttendanceStatus.APOLOGIES
        ).exists()
    )
    return context
