"""Meetings of boards of individuals: directors in their own right are one vote each, co-opted
members vote when the board says so, and the record reads "Ann Smith, Governor"."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services as governance_services
from governance.models import QuorumRule, Role, VotingBasis, seated_voting_units
from meetings import services
from meetings.queries import (
    expectation_for,
    meeting_record,
    person_unit_key,
    quorum_of,
    quorum_timeline,
    roll_call,
    vote_holders_at,
    vote_words,
)
from minutes.generate import minutes_markdown
from motions import services as motion_services
from motions.models import Choice, Method
from motions.services import MotionDetails
from motions.units import seated_units, seated_units_for
from tests.factories import BoardFactory, UserFactory
from tests.meetings.factories import MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

SEATED = dt.date(2020, 1, 1)
GOVERNORS = ["Ann Smith", "Ben Jones", "Cara Brown", "Dev Patel", "Eve Adams", "Fay Wu", "Gil Ross"]


def governors(names=GOVERNORS, **board_fields):
    """A society's board of governors, voting by person, chaired by a non-voting chair."""
    fields = {
        "voting_basis": VotingBasis.PERSON,
        "quorum_rule": QuorumRule.FRACTION,
        "quorum_fraction": Decimal("0.5"),
        "quorum_count": None,
        "member_title": "Governor",
        **board_fields,
    }
    board = BoardFactory(**fields)
    people = {}
    for name in names:
        people[name] = UserFactory(full_name=name)
        governance_services.seat_create(
            actor=None, board=board, person=people[name], role=Role.VOTING, starts_on=SEATED
        )
    chair = UserFactory(full_name="Cleo Chair")
    governance_services.seat_create(
        actor=None, board=board, person=chair, role=Role.CHAIR, starts_on=SEATED
    )
    return board, people, chair


def seat(board, name, role):
    person = UserFactory(full_name=name)
    governance_services.seat_create(
        actor=None, board=board, person=person, role=role, starts_on=SEATED
    )
    return person


def readable(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_seven_directors_are_seven_votes_each_held_by_themselves():
    board, people, chair = governors()
    meeting = started_meeting(board, actor=chair)
    present = [people[name] for name in GOVERNORS[:6]]
    attend(meeting, chair, *present, actor=chair)
    quorum = quorum_of(meeting)
    assert (quorum.present, quorum.required, quorum.is_quorate) == (6, 4, True)
    holders = vote_holders_at(meeting)
    assert set(holders) == {person_unit_key(person.pk) for person in present}
    ann = holders[person_unit_key(people["Ann Smith"].pk)]
    assert (ann.unit_label, ann.person, ann.organisation) == (
        "Ann Smith",
        people["Ann Smith"],
        None,
    )
    assert len(seated_units(board, meeting.date)) == 7


def test_a_fixed_quorum_of_seven_is_reached_when_the_seventh_arrives():
    board, people, chair = governors(quorum_rule=QuorumRule.FIXED, quorum_count=7)
    meeting = started_meeting(board, actor=chair)
    six = [people[name] for name in GOVERNORS[:6]]
    attend(meeting, chair, *six, actor=chair, at=meeting.started_at)
    arrival = meeting.started_at + dt.timedelta(minutes=45)
    attend(meeting, people["Gil Ross"], actor=chair, at=arrival)
    timeline = quorum_timeline(meeting)
    assert [(change.at, change.is_quorate) for change in timeline] == [
        (meeting.started_at, False),
        (arrival, True),
    ]


def test_the_record_and_the_minutes_read_ann_smith_governor(client_for):
    board, people, chair = governors()
    meeting = started_meeting(board, actor=chair)
    attend(
        meeting, chair, people["Ann Smith"], people["Ben Jones"], actor=chair, at=meeting.started_at
    )
    services.attendance_mark(
        meeting=meeting, person=people["Cara Brown"], status="apologies", actor=chair
    )
    page = client_for(people["Ann Smith"]).get(
        reverse("meetings:meeting_detail", args=[board.slug, meeting.pk])
    )
    text = readable(page.text)
    assert "Ann Smith, Governor" in text
    assert "Apologies: Cara Brown, Governor" in text
    assert "(Ann Smith" not in text and "(governor)" not in text.lower()
    markdown = minutes_markdown(meeting)
    assert "- Ann Smith, Governor" in markdown
    assert "- Cleo Chair (Chair)" in markdown
    assert "**Apologies:** Cara Brown, Governor" in markdown


def test_the_record_keeps_the_title_as_it_was():
    board, people, chair = governors(names=["Ann Smith"])
    meeting = started_meeting(board, actor=chair)
    (attendance,) = attend(meeting, people["Ann Smith"], actor=chair)
    board.member_title = "Trustee"
    board.save()
    attendance.refresh_from_db()
    assert attendance.place == "Governor"


def test_organisation_boards_read_as_before(cast):
    meeting = started_meeting(cast.board, actor=cast.alice)
    attend(meeting, cast.alice, cast.victor, cast.alan, actor=cast.alice)
    markdown = minutes_markdown(meeting)
    assert "Victor Voter" in markdown and "— Acme Corporation" in markdown
    assert ", Voting representative" not in markdown


def test_the_roll_call_groups_board_members_by_their_title():
    board, people, chair = governors(names=["Ann Smith", "Ben Jones"])
    seat(board, "Otto Observer", Role.OBSERVER)
    seat(board, "Tess Treasurer", Role.TREASURER)
    meeting = MeetingFactory(board=board)
    groups = {group.title: group.entries for group in roll_call(meeting, [])}
    assert list(groups) == ["Board members", "Officers and staff", "Observers"]
    assert [(e.name, e.short_role) for e in groups["Board members"]] == [
        ("Ann Smith", "Governor"),
        ("Ben Jones", "Governor"),
    ]
    assert {e.short_role for e in groups["Officers and staff"]} == {"Chair", "Treasurer"}


def test_a_governor_who_is_also_treasurer_sits_with_a_vote():
    board, people, chair = governors(names=["Ann Smith", "Ben Jones"])
    governance_services.seat_create(
        actor=None, board=board, person=people["Ann Smith"], role=Role.TREASURER, starts_on=SEATED
    )
    meeting = started_meeting(board, actor=chair)
    (attendance,) = attend(meeting, people["Ann Smith"], actor=chair)
    assert (attendance.role, attendance.place) == (Role.VOTING, "Governor")
    assert person_unit_key(people["Ann Smith"].pk) in vote_holders_at(meeting)


def test_a_director_votes_on_a_motion_for_themselves():
    board, people, chair = governors(names=["Ann Smith", "Ben Jones", "Cara Brown"])
    meeting = started_meeting(board, actor=chair, at=timezone.now() - dt.timedelta(minutes=5))
    attend(meeting, chair, people["Ann Smith"], people["Ben Jones"], actor=chair)
    motion = motion_services.motion_create(
        board=board,
        meeting=meeting,
        item=meeting.items.first(),
        details=MotionDetails(text="Adopt the plan", method=Method.LIVE),
        actor=chair,
    )
    motion = motion_services.motion_open(motion=motion, actor=chair)
    vote = motion_services.vote_cast(motion=motion, person=people["Ann Smith"], choice=Choice.FOR)
    assert vote.unit_key == person_unit_key(people["Ann Smith"].pk)
    assert len(seated_units_for(motion, meeting.date)) == 3
    with pytest.raises(motion_services.NotEntitled):
        motion_services.vote_cast(motion=motion, person=chair, choice=Choice.FOR)


@pytest.mark.parametrize("co_opted_vote", [True, False], ids=["co-opted-vote", "co-opted-do-not"])
def test_co_opted_members_vote_when_the_board_says_so(co_opted_vote):
    board, people, chair = governors(names=["Ann Smith", "Ben Jones"], co_opted_vote=co_opted_vote)
    cleo = seat(board, "Cody Coopted", Role.CO_OPTED)
    meeting = started_meeting(board, actor=chair)
    attend(meeting, people["Ann Smith"], people["Ben Jones"], cleo, actor=chair)
    expected_units = 3 if co_opted_vote else 2
    assert seated_voting_units(board, meeting.date) == expected_units
    assert meeting.quorum_required == expected_units // 2 + 1
    assert quorum_of(meeting).present == expected_units
    assert (person_unit_key(cleo.pk) in vote_holders_at(meeting)) is co_opted_vote
    assert len(seated_units(board, meeting.date)) == expected_units
    assert expectation_for(meeting, meeting.attendances.all()).seated_units == expected_units
    # The record names a co-opted member by their place, never as holding their own vote.
    record = meeting_record(meeting)
    (coopted,) = [a for a in record.present if a.person_id == cleo.pk]
    assert "Cody Coopted" not in vote_words(coopted, record.votes_held.get(coopted.pk, []))


@pytest.mark.parametrize("co_opted_vote", [True, False])
def test_on_an_organisation_board_a_voting_co_opted_member_is_a_vote_of_their_own(
    cast, co_opted_vote
):
    cast.board.co_opted_vote = co_opted_vote
    cast.board.save()
    cody = seat(cast.board, "Cody Coopted", Role.CO_OPTED)
    meeting = started_meeting(cast.board, actor=cast.alice)
    attend(meeting, cast.victor, cast.alan, cody, actor=cast.alice)
    assert quorum_of(meeting).present == (2 if co_opted_vote else 1)
    holders = vote_holders_at(meeting)
    assert (person_unit_key(cody.pk) in holders) is co_opted_vote
    assert f"organisation:{cast.acme.pk}" in holders


def test_a_dated_rule_decides_whether_co_opted_members_vote():
    board, people, chair = governors(names=["Ann Smith"], co_opted_vote=False)
    cody = seat(board, "Cody Coopted", Role.CO_OPTED)
    later = MeetingFactory(board=board)
    governance_services.quorum_rule_set(
        board=board,
        effective_from=later.date,
        actor=None,
        quorum_rule=QuorumRule.FIXED,
        quorum_count=1,
    )
    board.rule_changes.update(co_opted_vote=True)
    later = services.meeting_start(meeting=later, actor=chair, at=later.starts_at)
    attend(later, cody, actor=chair)
    assert quorum_of(later).present == 1


def test_the_vice_chair_runs_a_meeting_only_when_named_to_chair_it(client_for):
    board, people, chair = governors(names=["Ann Smith"])
    vice = seat(board, "Vera Vice", Role.VICE_CHAIR)
    chaired = MeetingFactory(board=board, chair=vice)
    other = MeetingFactory(board=board)
    client = client_for(vice)
    for meeting, status in ((chaired, 200), (other, 403)):
        url = reverse("meetings:live_console", args=[board.slug, meeting.pk])
        assert client.get(url).status_code == status
