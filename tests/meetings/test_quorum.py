"""Quorum: distinct voting units with a representative or alternate present, against the rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.models import Role, VotingBasis
from meetings import services
from meetings.errors import NotSeated
from meetings.queries import describe_quorum_timeline, quorum_of, quorum_timeline
from tests.meetings.factories import MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("present", "units", "quorate", "label"),
    [
        pytest.param(
            ["victor", "greta"], 2, True, "Quorate: 2 of 2 required", id="exactly-at-rule"
        ),
        pytest.param(["victor", "greta", "ivan"], 3, True, "Quorate: 3 of 2 required", id="above"),
        pytest.param(["victor"], 1, False, "1 organisation short of quorum", id="one-short"),
        pytest.param([], 0, False, "2 organisations short of quorum", id="nobody"),
        pytest.param(
            ["alice", "sam", "nora"],
            0,
            False,
            "2 organisations short of quorum",
            id="non-voting-only",
        ),
        pytest.param(
            ["victor", "alan"],
            1,
            False,
            "1 organisation short of quorum",
            id="two-from-one-organisation",
        ),
        pytest.param(
            ["alan", "greta"],
            2,
            True,
            "Quorate: 2 of 2 required",
            id="alternate-for-absent-representative",
        ),
        pytest.param(
            ["nora", "greta"],
            1,
            False,
            "1 organisation short of quorum",
            id="non-voting-colleague-adds-nothing",
        ),
    ],
)
def test_quorum_counts_voting_organisations_present(cast, present, units, quorate, label):
    meeting = MeetingFactory(board=cast.board)
    attend(meeting, *(getattr(cast, name) for name in present))
    quorum = quorum_of(meeting)
    assert (quorum.present, quorum.required, quorum.is_quorate) == (units, 2, quorate)
    assert quorum.label == label
    assert quorum.shortfall == max(0, 2 - units)


def test_organisations_present_are_listed_once(cast):
    meeting = MeetingFactory(board=cast.board)
    attend(meeting, cast.victor, cast.alan, cast.greta)
    assert [o.label for o in quorum_of(meeting).organisations] == ["Acme", "Globex"]


def test_representative_whose_seat_ended_before_the_meeting_cannot_count(cast):
    seat = cast.victor.seats.get()
    meeting = MeetingFactory(board=cast.board)
    seat.ends_on = meeting.date - dt.timedelta(days=1)
    seat.save()
    with pytest.raises(NotSeated, match="holds no seat"):
        attend(meeting, cast.victor)
    services.attendance_add_guest(
        meeting=meeting, name="Victor Voter", organisation_name="Acme", actor=cast.sam
    )
    attend(meeting, cast.greta)
    assert quorum_of(meeting).present == 1


def test_organisation_under_embargo_still_counts(cast):
    meeting = MeetingFactory(board=cast.board)
    cast.acme.embargo_until = meeting.date + dt.timedelta(days=30)
    cast.acme.save()
    attend(meeting, cast.victor, cast.greta)
    assert quorum_of(meeting).is_quorate


def test_attendance_keeps_the_seat_held_on_the_meeting_date(cast):
    meeting = MeetingFactory(board=cast.board)
    attend(meeting, cast.victor, cast.greta)
    # Later Victor leaves Acme and Greta becomes a mere member: the record must not change.
    seat = cast.victor.seats.get()
    seat.ends_on = meeting.date + dt.timedelta(days=1)
    seat.save()
    greta = cast.greta.seats.get()
    greta.role = Role.MEMBER
    greta.save()
    quorum = quorum_of(meeting)
    assert quorum.is_quorate and quorum.present == 2
    assert meeting.attendances.get(person=cast.victor).organisation == cast.acme


def test_required_count_follows_a_fraction_rule(cast):
    cast.board.quorum_rule = "fraction"
    cast.board.quorum_fraction = Decimal("0.5")
    cast.board.save()
    meeting = MeetingFactory(board=cast.board)
    attend(meeting, cast.victor)
    # Three voting organisations seated: more than half is two.
    assert quorum_of(meeting).required == 2


def test_board_voting_by_person_counts_an_alternate_only_in_their_representatives_absence(cast):
    cast.board.voting_basis = VotingBasis.PERSON
    cast.board.save()
    meeting = MeetingFactory(board=cast.board)
    attend(meeting, cast.alan)
    assert quorum_of(meeting).present == 1
    attend(meeting, cast.victor)
    assert quorum_of(meeting).present == 1
    assert quorum_of(meeting).label == "1 member short of quorum"


def test_quorum_at_a_moment_uses_arrivals_and_departures(cast):
    start = dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)
    meeting = started_meeting(cast.board, at=start)
    attend(meeting, cast.victor, at=start)
    (greta,) = attend(meeting, cast.greta, at=start + dt.timedelta(minutes=27))
    services.attendance_depart(attendance=greta, actor=None, at=start + dt.timedelta(minutes=80))
    assert not quorum_of(meeting, start + dt.timedelta(minutes=10)).is_quorate
    assert quorum_of(meeting, start + dt.timedelta(minutes=27)).is_quorate
    assert quorum_of(meeting, start + dt.timedelta(minutes=79)).is_quorate
    assert not quorum_of(meeting, start + dt.timedelta(minutes=80)).is_quorate
    assert not quorum_of(meeting).is_quorate


def test_timeline_says_when_quorum_was_gained_and_lost(cast):
    start = dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)
    meeting = started_meeting(cast.board, at=start)
    attend(meeting, cast.victor, at=start)
    (greta,) = attend(meeting, cast.greta, at=start + dt.timedelta(minutes=27))
    services.attendance_depart(attendance=greta, actor=None, at=start + dt.timedelta(minutes=80))
    timeline = quorum_timeline(meeting)
    assert [(c.at - start, c.is_quorate) for c in timeline] == [
        (dt.timedelta(0), False),
        (dt.timedelta(minutes=27), True),
        (dt.timedelta(minutes=80), False),
    ]
    with timezone.override(dt.UTC):
        assert describe_quorum_timeline(timeline) == (
            "Quorate from 16:27 UTC; inquorate from 17:20 UTC"
        )


def test_timeline_is_empty_before_the_meeting_and_says_never_when_never(cast):
    meeting = MeetingFactory(board=cast.board)
    assert quorum_timeline(meeting) == []
    started = started_meeting(cast.board)
    attend(started, cast.nora)
    assert describe_quorum_timeline(quorum_timeline(started)) == "Never quorate"


def test_quorum_of_another_boards_seat_is_refused(cast):
    meeting = MeetingFactory(board=cast.board)
    with pytest.raises(NotSeated):
        attend(meeting, cast.olga)


def test_guest_never_counts(cast):
    meeting = MeetingFactory(board=cast.board)
    services.attendance_add_guest(
        meeting=meeting, name="Gus Guest", organisation_name="Initech", actor=cast.sam
    )
    assert quorum_of(meeting).present == 0
