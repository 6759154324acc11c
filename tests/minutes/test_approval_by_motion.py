"""Minutes put to the board as a motion at a later meeting, or as a ballot, and approved when
it carries: linked to the motion, with its tally; a motion that fails leaves them circulated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import AuditEntry
from meetings import services as meeting_services
from minutes import approvals
from minutes.errors import BadTransition, InvalidRevision
from minutes.models import MinutesStatus
from motions import services as motion_services
from motions.models import Choice, Method, Motion, Status
from tests.meetings.factories import MeetingFactory, attend
from tests.minutes.conftest import minutes_url
from tests.minutes.test_workflow import EVERYONE, OFFICERS, client_of, expect_refusal


@pytest.fixture
def later(cast, circulated):
    """The board's next meeting, a month after the one the minutes record, not started."""
    return MeetingFactory(
        board=cast.board,
        title="April 2024",
        starts_at=circulated.meeting.starts_at + dt.timedelta(days=30),
    )


def hold(cast, meeting):
    """Start `meeting` on time with three voting organisations present."""
    meeting = meeting_services.meeting_start(
        meeting=meeting, actor=cast.alice, at=meeting.starts_at
    )
    attend(meeting, cast.alice, cast.victor, cast.greta, cast.ivan, at=meeting.starts_at)
    return meeting


@pytest.mark.parametrize("who", EVERYONE)
def test_officers_put_circulated_minutes_to_a_later_meeting(
    cast, client_for, circulated, later, who
):
    response = client_of(cast, client_for, who).post(
        minutes_url(circulated, "minutes_put_to_board"), {"where": str(later.pk)}
    )
    circulated.refresh_from_db()
    if who in OFFICERS:
        assert response.status_code == 302, response.content
        motion = circulated.approval_motion
        assert motion.meeting == later
        assert motion.text == "Approve the minutes of March 2024 as circulated"
        assert motion.item.title == "Approve the minutes of March 2024"
        assert circulated.is_circulated
    else:
        expect_refusal(response, who)
        assert circulated.approval_motion is None
        assert not Motion.objects.exists()


def test_carrying_the_motion_approves_the_minutes_with_the_link(cast, circulated, later):
    motion = approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, meeting=later)
    later = hold(cast, later)
    motion_services.motion_record(
        motion=motion, actor=cast.alice, at=later.starts_at + dt.timedelta(minutes=5)
    )
    circulated.refresh_from_db()
    assert circulated.status == MinutesStatus.APPROVED
    assert circulated.approval_method == "motion"
    assert circulated.approval_motion == motion
    assert circulated.approval_meeting == later
    assert circulated.approved_at == later.starts_at + dt.timedelta(minutes=5)
    assert circulated.approval_reference == (
        "Motion “Approve the minutes of March 2024 as circulated”, carried at April 2024"
    )
    entry = AuditEntry.objects.get(action="minutes.approve")
    assert entry.changes["status"] == ["circulated", "approved"]


def test_the_minutes_page_links_the_motion_and_the_motion_page_the_minutes(
    cast, client_for, circulated, later
):
    motion = approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, meeting=later)
    page = client_for(cast.victor).get(circulated.get_absolute_url()).content.decode()
    assert "Before the board" not in page  # members do not see the officers' card
    page = client_for(cast.sam).get(circulated.get_absolute_url()).content.decode()
    assert "Before the board" in page and motion.get_absolute_url() in page
    assert "Put the minutes to the board" not in page  # not twice
    page = client_for(cast.victor).get(motion.get_absolute_url()).content.decode()
    assert circulated.get_absolute_url() in page
    assert "Minutes of March 2024 (circulated for review)" in page


def test_a_ballot_that_carries_approves_them_by_ballot(cast, circulated):
    closes = timezone.now() + dt.timedelta(days=7)
    motion = approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, closes_at=closes)
    assert motion.method == Method.BALLOT and motion.status == Status.OPEN
    for person in (cast.victor, cast.greta, cast.ivan):
        motion_services.vote_cast(motion=motion, person=person, choice=Choice.FOR)
    motion.refresh_from_db()
    if motion.status == Status.OPEN:  # every unit voted closes it; else the chair closes it
        motion_services.motion_close(motion=motion, actor=cast.alice)
    circulated.refresh_from_db()
    assert circulated.status == MinutesStatus.APPROVED
    assert circulated.approval_method == "ballot"
    assert circulated.approval_meeting is None
    assert "(3–0–0)" in circulated.approval_reference


def test_a_ballot_that_fails_leaves_them_circulated_to_be_put_again(cast, circulated):
    closes = timezone.now() + dt.timedelta(days=7)
    motion = approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, closes_at=closes)
    for person in (cast.victor, cast.greta, cast.ivan):
        motion_services.vote_cast(motion=motion, person=person, choice=Choice.AGAINST)
    motion.refresh_from_db()
    if motion.status == Status.OPEN:
        motion_services.motion_close(motion=motion, actor=cast.alice)
    circulated.refresh_from_db()
    assert circulated.status == MinutesStatus.CIRCULATED
    assert AuditEntry.objects.filter(action="minutes.not_approved").count() == 1
    again = approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, closes_at=closes)
    assert again != motion


def test_putting_them_twice_is_refused_while_the_first_is_pending(cast, circulated, later):
    approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, meeting=later)
    with pytest.raises(BadTransition, match="already before the board"):
        approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, meeting=later)
    assert Motion.objects.count() == 1


def test_a_draft_is_not_put_to_the_board(cast, draft):
    later = MeetingFactory(board=cast.board, starts_at=draft.meeting.starts_at + dt.timedelta(30))
    with pytest.raises(BadTransition, match="Circulate the minutes"):
        approvals.minutes_put_to_board(minutes=draft, actor=cast.sam, meeting=later)
    assert not Motion.objects.exists()


def test_only_a_later_meeting_of_the_board_approves_them(cast, circulated):
    earlier = MeetingFactory(
        board=cast.board, starts_at=circulated.meeting.starts_at - dt.timedelta(days=1)
    )
    with pytest.raises(InvalidRevision, match="later meeting"):
        approvals.minutes_put_to_board(minutes=circulated, actor=cast.sam, meeting=earlier)
    assert not Motion.objects.exists()


def test_a_ballot_without_a_deadline_is_a_form_error(cast, client_for, circulated):
    response = client_for(cast.sam).post(
        minutes_url(circulated, "minutes_put_to_board"), {"where": "ballot"}
    )
    assert response.status_code == 422
    assert "A ballot needs a deadline." in response.content.decode()
    assert not Motion.objects.exists()


def test_a_meeting_not_offered_is_a_form_error(cast, client_for, circulated):
    other = MeetingFactory(board=cast.other_board, starts_at=circulated.meeting.starts_at)
    response = client_for(cast.sam).post(
        minutes_url(circulated, "minutes_put_to_board"), {"where": str(other.pk)}
    )
    assert response.status_code == 422
    assert not Motion.objects.exists()
