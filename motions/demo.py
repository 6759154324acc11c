"""The demo's ballot: open until next week, so a demo voter (Don, for Intel) has something to
vote on. The May 2014 decisions are typed into that meeting's record as the minutes write them
(see meetings.demo), which is how the chair records them in the console."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from governance.models import Board, User
from motions import services
from motions.models import Choice, Method, Motion
from motions.services import MotionDetails

SURVEY_BALLOT = (
    "Approve the Xen Project User Survey for circulation to users, with the questions as "
    "consolidated with the developers at the Hackathon"
)
# Two organisations have voted already, so the count is not empty.
EARLY_VOTES = [("antony.messerli", Choice.FOR), ("daniel.kiper", Choice.FOR)]


def load(board: Board) -> None:
    """Open the survey ballot unless the board has it already (idempotent)."""
    if Motion.objects.filter(board=board, method=Method.BALLOT, text=SURVEY_BALLOT).exists():
        return
    people = {user.email.split("@")[0]: user for user in User.objects.filter(seats__board=board)}
    with transaction.atomic():
        chair, secretary = people["lars.kurth"], people["sarah.conway"]
        week = timezone.localtime(timezone.now(), board.zone) + dt.timedelta(days=7)
        deadline = week.replace(hour=17, minute=0, second=0, microsecond=0)
        ballot = services.motion_create(
            board=board,
            actor=secretary,
            details=MotionDetails(
                text=SURVEY_BALLOT,
                method=Method.BALLOT,
                proposer=chair,
                seconder=secretary,
                closes_at=deadline,
            ),
        )
        services.motion_open(motion=ballot, actor=secretary, closes_at=deadline)
        for who, choice in EARLY_VOTES:
            services.vote_cast(motion=ballot, person=people[who], choice=choice)
