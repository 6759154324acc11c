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
