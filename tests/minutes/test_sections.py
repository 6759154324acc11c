"""What the minutes write of motions and ballots: under each item the motions put there, with
method and outcome; at the end the ballots closed between the previous meeting and this one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.queries import meeting_record
from minutes.generate import minutes_markdown
from minutes.sections import ballots_section
from motions import services as motion_services
from motions.models import Choice, Method
from tests.meetings.factories import MeetingFactory, attend, started_meeting
from tests.motions.conftest import opened, put

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def two_meetings(cast):
    """The previous meeting 20 days ago and this one yesterday (both only scheduled)."""
    previous = MeetingFactory(board=cast.board, title="Previous", starts_at=NOW - dt.timedelta(20))
    this = MeetingFactory(board=cast.board, title="This one", starts_at=NOW - dt.timedelta(1))
    return previous, this


def closed_ballot(cast, *, text: str, closed_at: dt.datetime):
    ballot = put(cast, method=Method.BALLOT, text=text, closes_at=closed_at + dt.timedelta(1))
    ballot = motion_services.motion_open(
        motion=ballot, actor=cast.alice, at=closed_at - dt.timedelta(days=2)
    )
    for person in (cast.victor, cast.greta):
        motion_services.vote_cast(
            motion=ballot, person=person, choice=Choice.FOR, at=closed_at - dt.timedelta(1)
        )
    return motion_services.motion_close(motion=ballot, actor=cast.alice, at=closed_at)


@pytest.mark.parametrize(
    ("closed", "listed"),
    [
        (dt.timedelta(days=-25), False),  # before the previous meeting
        (dt.timedelta(days=-20), True),  # the moment the previous meeting opened
        (dt.timedelta(days=-5), True),
        (dt.timedelta(days=-1, seconds=-1), True),  # the second before this one opened
        (dt.timedelta(days=-1), False),  # as this meeting opened: its own business
    ],
)
def test_ballots_closed_since_the_previous_meeting(cast, two_meetings, closed, listed):
    _previous, this = two_meetings
    closed_ballot(cast, text="Adopt the travel policy", closed_at=NOW + closed)
    text = "\n".join(ballots_section(meeting_record(this)))
    assert ("Adopt the travel policy" in text) is listed
    if listed:
        assert "## Ballots closed since the previous meeting" in text
        assert "Carried: 2 for, 0 against, 0 abstaining" in text


def test_no_ballot_section_when_none_closed(cast, two_meetings):
    assert ballots_section(meeting_record(two_meetings[1])) == []


def test_motions_under_their_item_with_method_and_outcome(cast):
    start = NOW - dt.timedelta(hours=1)
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice, at=start)
    attend(meeting, cast.alice, cast.victor, cast.greta, cast.ivan, at=start)
    carried = opened(cast, meeting, text="Approve the hackathon budget")
    for person in (cast.victor, cast.greta, cast.ivan):
        motion_services.vote_cast(motion=carried, person=person, choice=Choice.FOR)
    motion_services.motion_close(motion=carried, actor=cast.alice)
    tabled = opened(cast, meeting, text="Move the summit to Lisbon")
    motion_services.motion_table(motion=tabled, actor=cast.alice)
    put(cast, meeting, text="A draft nobody moved")
    withdrawn = put(cast, meeting, text="Withdrawn before a vote")
    motion_services.motion_withdraw(motion=withdrawn, actor=cast.alice)

    text = minutes_markdown(meeting)

    section = text[text.index("### Motions") :]
    assert "Motion: Approve the hackathon budget." in section
    assert "Carried: 3 for, 0 against, 0 abstaining" in section
    assert "Motion: Move the summit to Lisbon. Live vote in the browser." in section
    assert "Tabled: to be taken up again." in section
    assert "A draft nobody moved" not in text
    assert "Withdrawn before a vote" not in text
    assert text.index("Approve the hackathon") < text.index("Move the summit")


def test_a_motion_names_its_proposer_and_seconder(cast):
    """The minutes say who moved it, by full name ("proposed by Victor …, seconded by …"):
    a motion with a proposer once broke the minutes' generation outright."""
    start = NOW - dt.timedelta(hours=1)
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice, at=start)
    attend(meeting, cast.alice, cast.victor, cast.greta, at=start)
    motion = opened(
        cast, meeting, text="Approve the summit venue", proposer=cast.victor, seconder=cast.greta
    )
    motion_services.motion_close(motion=motion, actor=cast.alice)

    text = minutes_markdown(meeting)

    line = next(line for line in text.splitlines() if "Approve the summit venue" in line)
    assert f"Proposed by {cast.victor.full_name}, seconded by {cast.greta.full_name}." in line
