import datetime as dt

import pytest
from django.utils import timezone

from motions import services
from motions.models import Method
from motions.services import MotionDetails
from tests.meetings.factories import attend, started_meeting


@pytest.fixture
def meeting(cast):
    """A meeting in progress (started an hour ago) with Acme, Globex and Initech present
    (Victor, Greta, Ivan), Alan (Acme's alternate) and Nora (non-voting) too."""
    start = timezone.now() - dt.timedelta(hours=1)
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice, at=start)
    attend(meeting, cast.alice, cast.victor, cast.alan, cast.greta, cast.nora, cast.ivan, at=start)
    return meeting


@pytest.fixture
def proxied_meeting(cast):
    """Ivan (Initech) named Greta (Globex) his proxy before the meeting and then did not come;
    Victor, Greta and Nora are present."""
    from meetings import services as meeting_services
    from meetings.proxies import proxy_name
    from tests.meetings.factories import MeetingFactory

    board = cast.board
    board.proxies_from_other_organisations = True
    board.save()
    start = timezone.now() - dt.timedelta(hours=1)
    meeting = MeetingFactory(board=board, starts_at=start)
    proxy_name(meeting=meeting, grantor=cast.ivan, holder=cast.greta, actor=cast.ivan)
    meeting = meeting_services.meeting_start(meeting=meeting, actor=cast.alice, at=start)
    attend(meeting, cast.alice, cast.victor, cast.greta, cast.nora, at=start)
    return meeting


def put(cast, meeting=None, *, text="Approve this expense", method=Method.LIVE, **rule):
    """A draft motion put by the chair (in `meeting` unless it is a ballot)."""
    if method == Method.BALLOT:
        rule.setdefault("closes_at", timezone.now() + dt.timedelta(days=7))
    return services.motion_create(
        board=cast.board,
        meeting=None if method == Method.BALLOT else meeting,
        item=meeting.items.first() if meeting and method != Method.BALLOT else None,
        details=MotionDetails(text=text, method=method, **rule),
        actor=cast.alice,
    )


def opened(cast, meeting=None, **kwargs):
    motion = put(cast, meeting, **kwargs)
    return services.motion_open(motion=motion, actor=cast.alice)
