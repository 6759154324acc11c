"""Minutes for tests: an adjourned meeting with a public item, an embargoed item and a
board-only statement, and its minutes at each step of the workflow."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings import services as meeting_services
from minutes import services
from minutes.models import ApprovalMethod, MinutesPolicy
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend

# The embargo ends in the future of the cast's seats (held from 2020), so that time can be
# frozen either side of it with everyone still seated.
EMBARGO_ENDS = dt.datetime(2030, 6, 3, 0, 0, tzinfo=dt.UTC)
BEFORE = EMBARGO_ENDS - dt.timedelta(days=2)
AFTER = EMBARGO_ENDS + dt.timedelta(days=2)

PUBLIC_WORDS = "Budget discussion went well"
EMBARGOED_WORDS = "Zenith Corp joins the board"
BOARD_ONLY_WORDS = "Salary of the director"


@pytest.fixture
def meeting(cast):
    """An adjourned meeting: a public item (with a board-only statement) and an embargoed one."""
    board = cast.board
    board.minutes_public = True
    board.save(update_fields=["minutes_public"])
    meeting = MeetingFactory(board=board, title="March 2024")
    public = AgendaItemFactory(meeting=meeting, position=1, title="Budget")
    AgendaItemFactory(
        meeting=meeting, position=2, title="New member news", embargo_until=EMBARGO_ENDS
    )
    attend(meeting, cast.alice, cast.victor, cast.greta, cast.nora, actor=cast.alice)
    meeting = meeting_services.meeting_start(
        meeting=meeting, actor=cast.alice, at=meeting.starts_at
    )
    public.meeting = meeting
    meeting_services.note_record(
        item=public, text=f"Victor: {PUBLIC_WORDS}", author=cast.alice, at=meeting.started_at
    )
    meeting_services.note_record(
        item=public,
        text=f"Greta: {BOARD_ONLY_WORDS} is agreed",
        author=cast.alice,
        board_only=True,
        at=meeting.started_at + dt.timedelta(minutes=1),
    )
    second = meeting.items.in_order().last()
    meeting_services.agenda_item_open(
        item=second, actor=cast.alice, at=meeting.started_at + dt.timedelta(minutes=2)
    )
    meeting_services.note_record(
        item=second,
        text=f"Alice: {EMBARGOED_WORDS}",
        author=cast.alice,
        at=meeting.started_at + dt.timedelta(minutes=3),
    )
    return meeting_services.meeting_adjourn(
        meeting=meeting, actor=cast.alice, at=meeting.started_at + dt.timedelta(minutes=30)
    )


@pytest.fixture
def draft(cast, meeting):
    return services.minutes_generate(meeting=meeting, actor=cast.sam)


@pytest.fixture
def circulated(cast, draft):
    return services.minutes_circulate(minutes=draft, actor=cast.sam)


@pytest.fixture
def chair_approves(cast):
    MinutesPolicy.objects.create(board=cast.board, chair_may_approve=True)


@pytest.fixture
def approved(cast, circulated, chair_approves):
    return services.minutes_approve(
        minutes=circulated, actor=cast.alice, method=ApprovalMethod.CHAIR
    )


@pytest.fixture
def published(cast, approved):
    return services.minutes_publish(minutes=approved, actor=cast.sam)


def minutes_url(minutes, name="minutes_detail", **query) -> str:
    from django.urls import reverse

    url = reverse(f"minutes:{name}", args=[minutes.meeting.board.slug, minutes.meeting_id])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url
