"""Each method end to end, changed votes, units that never voted, secret votes, refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from governance.models import AuditEntry
from meetings import services as meeting_services
from meetings.models import Attendance
from meetings.queries import organisation_unit_key, vote_holder_for, vote_holders_at
from motions import services
from motions.errors import InvalidMotion, MotionClosed, NotEntitled, WrongMotionState
from motions.models import (
    Choice,
    Method,
    Motion,
    MotionCorrection,
    Outcome,
    Participation,
    Status,
    Threshold,
    Vote,
)
from tests.motions.conftest import opened, put

pytestmark = pytest.mark.django_db


# -- Who holds the vote --------------------------------------------------------------------------


def test_representative_holds_the_vote_when_present(cast, meeting):
    holder = vote_holder_for(meeting, organisation_unit_key(cast.acme.pk))
    assert holder.person == cast.victor
    assert set(vote_holders_at(meeting)) == {
        organisation_unit_key(org.pk) for org in (cast.acme, cast.globex, cast.initech)
    }


def test_alternate_votes_when_representative_absent(cast, meeting):
    victor = Attendance.objects.get(meeting=meeting, person=cast.victor)
    meeting_services.attendance_depart(attendance=victor, actor=cast.alice)
    holder = vote_holder_for(meeting, organisation_unit_key(cast.acme.pk))
    assert holder.person == cast.alan and holder.stands_in
    motion = opened(cast, meeting)
    services.vote_cast(motion=motion, person=cast.alan, choice=Choice.FOR)
    assert Vote.objects.get(motion=motion).cast_by == cast.alan


def test_vote_holder_at_an_earlier_moment(cast, meeting):
    victor = Attendance.objects.get(meeting=meeting, person=cast.victor)
    before = timezone.now() - dt.timedelta(minutes=1)
    meeting_services.attendance_depart(attendance=victor, actor=cast.alice)
    assert (
        vote_holder_for(meeting, organisation_unit_key(cast.acme.pk), before).person == cast.victor
    )


# -- Live vote, end to end -----------------------------------------------------------------------


def test_live_vote_carries_and_freezes_the_tally(cast, meeting):
    motion = opened(cast, meeting)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR)
    services.vote_cast(motion=motion, person=cast.ivan, choice=Choice.AGAINST, dissent=True)
    motion = services.motion_close(motion=motion, actor=cast.alice)
    assert (motion.status, motion.outcome) == (Status.CLOSED, Outcome.CARRIED)
    assert (motion.votes_for, motion.votes_against, motion.votes_abstain) == (2, 1, 0)
    assert (motion.units_voted, motion.units_eligible, motion.votes_needed) == (3, 3, 2)
    assert (motion.quorum_present, motion.quorum_required) == (3, 2)
    assert motion.not_voted == []
    assert Vote.objects.get(motion=motion, cast_by=cast.ivan).dissent_minuted
    assert AuditEntry.objects.filter(action="motion.close", target_id=str(motion.pk)).exists()


def test_changed_vote_keeps_its_history_and_counts_once(cast, meeting):
    motion = opened(cast, meeting)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.AGAINST)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    votes = Vote.objects.filter(motion=motion).order_by("is_current")
    assert [(v.choice, v.is_current) for v in votes] == [("against", False), ("for", True)]
    motion = services.motion_close(motion=motion, actor=cast.alice)
    assert (motion.votes_for, motion.votes_against) == (1, 0)


def test_units_that_never_voted_are_listed_at_closing(cast, meeting):
    motion = opened(cast, meeting)
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR)
    motion = services.motion_close(motion=motion, actor=cast.alice)
    assert motion.not_voted == ["Acme Corporation", "Initech"]
    assert motion.units_voted == 1


def test_no_vote_after_closing(cast, meeting):
    motion = opened(cast, meeting)
    services.motion_close(motion=motion, actor=cast.alice)
    with pytest.raises(MotionClosed, match="Voting has closed"):
        services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    assert not Vote.objects.filter(motion=motion).exists()


def test_no_quorum_at_the_moment_of_closing(cast, meeting):
    motion = opened(cast, meeting)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR)
    for person in (cast.greta, cast.ivan, cast.alan):
        attendance = Attendance.objects.get(meeting=meeting, person=person)
        meeting_services.attendance_depart(attendance=attendance, actor=cast.alice)
    motion = services.motion_close(motion=motion, actor=cast.alice)
    assert motion.outcome == Outcome.NO_QUORUM
    assert (motion.quorum_present, motion.quorum_required) == (1, 2)
    assert motion.votes_for == 2  # the tally is kept, but it decides nothing


def test_secret_vote_cannot_be_joined_from_person_to_choice(cast, meeting):
    motion = opened(cast, meeting, secret=True)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.AGAINST)
    services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    people = {cast.victor.pk, cast.greta.pk}
    organisations = {cast.acme.pk, cast.globex.pk}
    plain_keys = {organisation_unit_key(pk) for pk in organisations}
    for vote in Vote.objects.filter(motion=motion):
        assert vote.cast_by_id is None and vote.person_id is None and vote.organisation_id is None
        assert vote.cast_at is None
        assert vote.unit_key not in plain_keys and len(vote.unit_key) == 64
    # Every column of the vote table, read raw: nothing names a person, a unit or a time.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM motions_vote WHERE motion_id = %s", [motion.pk])
        rows = cursor.fetchall()
    for row in rows:
        for value in row:
            assert value not in people and value not in organisations or value == motion.pk
            assert not isinstance(value, dt.datetime)
            assert str(value) not in plain_keys
    # Who voted is known; the register holds no choice.
    assert (
        set(Participation.objects.filter(motion=motion).values_list("cast_by", flat=True)) == people
    )
    assert "choice" not in {f.name for f in Participation._meta.get_fields()}
    assert not AuditEntry.objects.filter(action="vote.cast", data__has_key="choice").exists()
    motion = services.motion_close(motion=motion, actor=cast.alice)
    assert (motion.votes_for, motion.votes_against, motion.outcome) == (2, 0, Outcome.CARRIED)


# -- Recorded by the chair -----------------------------------------------------------------------


def test_carried_without_objection_has_no_tally(cast, meeting):
    motion = put(cast, meeting, method=Method.WITHOUT_OBJECTION)
    motion = services.motion_record(motion=motion, actor=cast.alice)
    assert motion.outcome == Outcome.CARRIED
    assert motion.votes_for is None and motion.not_voted == []
    assert (motion.quorum_present, motion.quorum_required) == (3, 2)


def test_counts_recorded_by_the_chair(cast, meeting):
    motion = put(cast, meeting, method=Method.COUNTS, threshold=Threshold.TWO_THIRDS)
    motion = services.motion_record(motion=motion, actor=cast.alice, counts=(2, 1, 0))
    assert (motion.outcome, motion.votes_for, motion.votes_needed) == (Outcome.CARRIED, 2, 2)


def test_counts_cannot_exceed_units_present(cast, meeting):
    motion = put(cast, meeting, method=Method.COUNTS)
    with pytest.raises(InvalidMotion, match="only 3 voting organisations are present"):
        services.motion_record(motion=motion, actor=cast.alice, counts=(3, 1, 0))
    motion.refresh_from_db()
    assert motion.status == Status.DRAFT and motion.votes_for is None


@pytest.mark.parametrize("counts", [(-1, 0, 0), (1, 0), ("2", 0, 0), (True, 0, 0)])
def test_bad_counts_store_nothing(cast, meeting, counts):
    motion = put(cast, meeting, method=Method.COUNTS)
    with pytest.raises(InvalidMotion):
        services.motion_record(motion=motion, actor=cast.alice, counts=counts)
    assert Motion.objects.get(pk=motion.pk).status == Status.DRAFT


def test_roll_call_records_each_unit_present(cast, meeting):
    motion = put(cast, meeting, method=Method.ROLL_CALL)
    roll = {
        organisation_unit_key(cast.acme.pk): Choice.FOR,
        organisation_unit_key(cast.globex.pk): Choice.AGAINST,
    }
    motion = services.motion_record(
        motion=motion,
        actor=cast.alice,
        roll_call=roll,
        dissenters=frozenset({organisation_unit_key(cast.globex.pk)}),
    )
    assert (motion.votes_for, motion.votes_against, motion.outcome) == (1, 1, Outcome.TIED)
    assert motion.not_voted == ["Initech"]
    globex = Vote.objects.get(motion=motion, organisation=cast.globex)
    assert globex.cast_by == cast.greta and globex.dissent_minuted


def test_roll_call_refuses_a_unit_not_present(cast, meeting):
    motion = put(cast, meeting, method=Method.ROLL_CALL)
    with pytest.raises(InvalidMotion, match="one choice per voting unit present"):
        services.motion_record(
            motion=motion, actor=cast.alice, roll_call={"organisation:999": "for"}
        )
    assert not Vote.objects.exists()


# -- Ballots ---------------------------------------------------------------------------------


def test_ballot_representative_or_alternate_whoever_votes_first(cast):
    motion = opened(cast, method=Method.BALLOT)
    services.vote_cast(motion=motion, person=cast.alan, choice=Choice.FOR)
    with pytest.raises(NotEntitled, match="already cast by Alan Alternate"):
        services.vote_cast(motion=motion, person=cast.victor, choice=Choice.AGAINST)
    assert Vote.objects.filter(motion=motion).count() == 1
    services.vote_cast(motion=motion, person=cast.alan, choice=Choice.ABSTAIN)  # may change it
    assert Vote.objects.get(motion=motion, is_current=True).choice == Choice.ABSTAIN


def test_ballot_closes_when_every_unit_has_voted(cast):
    motion = opened(cast, method=Method.BALLOT)
    for person in (cast.victor, cast.greta):
        services.vote_cast(motion=motion, person=person, choice=Choice.FOR)
    assert Motion.objects.get(pk=motion.pk).status == Status.OPEN
    services.vote_cast(motion=motion, person=cast.ivan, choice=Choice.AGAINST)
    motion.refresh_from_db()
    assert (motion.status, motion.outcome, motion.units_voted) == (Status.CLOSED, "carried", 3)


def test_ballot_closes_itself_at_the_deadline(cast):
    motion = opened(cast, method=Method.BALLOT, turnout=Decimal("0.5"))
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    later = motion.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(MotionClosed, match="deadline"):
        services.vote_cast(motion=motion, person=cast.greta, choice=Choice.FOR, at=later)
    assert services.ballots_close_due(now=later) == [motion]
    motion.refresh_from_db()
    assert motion.closed_at == motion.closes_at
    assert (motion.outcome, motion.turnout_needed, motion.units_voted) == (
        Outcome.FAILED_ON_TURNOUT,
        2,
        1,
    )
    assert motion.not_voted == ["Globex", "Initech"]
    assert services.ballots_close_due(now=later) == []


def test_inquorate_motion_becomes_a_ballot_in_one_step(cast, meeting):
    for person in (cast.greta, cast.ivan):
        attendance = Attendance.objects.get(meeting=meeting, person=person)
        meeting_services.attendance_depart(attendance=attendance, actor=cast.alice)
    motion = put(cast, meeting, method=Method.WITHOUT_OBJECTION, text="Adopt the survey")
    motion = services.motion_record(motion=motion, actor=cast.alice)
    assert motion.outcome == Outcome.NO_QUORUM
    deadline = timezone.now() + dt.timedelta(days=7)
    ballot = services.motion_to_ballot(motion=motion, actor=cast.sam, closes_at=deadline)
    assert (ballot.method, ballot.status, ballot.text) == (
        Method.BALLOT,
        Status.OPEN,
        "Adopt the survey",
    )
    assert ballot.replaces == motion and ballot.meeting is None
    with pytest.raises(WrongMotionState, match="already been put to a ballot"):
        services.motion_to_ballot(motion=motion, actor=cast.sam, closes_at=deadline)


def test_only_an_inquorate_motion_becomes_a_ballot(cast, meeting):
    motion = services.motion_record(
        motion=put(cast, meeting, method=Method.WITHOUT_OBJECTION), actor=cast.alice
    )
    with pytest.raises(WrongMotionState, match="lack of quorum"):
        services.motion_to_ballot(
            motion=motion, actor=cast.sam, closes_at=timezone.now() + dt.timedelta(days=1)
        )


# -- Moot, withdrawn, tabled, corrected ------------------------------------------------------


def test_dependent_motion_is_moot_when_its_condition_fails(cast, meeting):
    first = opened(cast, meeting, text="Hold the summit in Lisbon")
    second = put(cast, meeting, text="Book the venue", depends_on=first)
    services.vote_cast(motion=first, person=cast.victor, choice=Choice.AGAINST)
    services.motion_close(motion=first, actor=cast.alice)
    second.refresh_from_db()
    assert (second.status, second.outcome) == (Status.CLOSED, Outcome.MOOT)


def test_dependent_motion_waits_for_its_condition(cast, meeting):
    first = opened(cast, meeting)
    second = opened(cast, meeting, depends_on=first)
    with pytest.raises(WrongMotionState, match="decide that one first"):
        services.motion_close(motion=second, actor=cast.alice)


def test_withdrawn_and_tabled_motions_take_no_votes(cast, meeting):
    motion = opened(cast, meeting)
    services.motion_table(motion=motion, actor=cast.alice)
    with pytest.raises(MotionClosed, match="tabled"):
        services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    services.motion_open(motion=motion, actor=cast.alice)
    services.motion_withdraw(motion=motion, actor=cast.alice)
    with pytest.raises(WrongMotionState):
        services.motion_open(motion=motion, actor=cast.alice)


def test_closed_motion_changes_only_by_correction(cast, meeting):
    motion = services.motion_record(
        motion=put(cast, meeting, method=Method.WITHOUT_OBJECTION), actor=cast.alice
    )
    for change in (services.motion_withdraw, services.motion_table):
        with pytest.raises(WrongMotionState):
            change(motion=motion, actor=cast.alice)
    with pytest.raises(WrongMotionState):
        services.motion_record(motion=motion, actor=cast.alice)
    with pytest.raises(InvalidMotion, match="why"):
        services.motion_correct(motion=motion, actor=cast.sam, reason=" ", text="Approve it")
    services.motion_correct(
        motion=motion, actor=cast.sam, reason="Typo in the minutes", text="Approve the expense"
    )
    correction = MotionCorrection.objects.get(motion=motion)
    assert correction.before == {"text": "Approve this expense"}
    assert correction.after == {"text": "Approve the expense"}
    motion.refresh_from_db()
    assert motion.outcome == Outcome.CARRIED


# -- Refusals: clear message, nothing stored -------------------------------------------------


def _nothing_stored(motion):
    assert not Vote.objects.filter(motion=motion).exists()
    assert not Participation.objects.filter(motion=motion).exists()


def test_unknown_choice_is_refused(cast, meeting):
    motion = opened(cast, meeting)
    with pytest.raises(InvalidMotion, match="for, against or abstain"):
        services.vote_cast(motion=motion, person=cast.victor, choice="maybe")
    _nothing_stored(motion)


def test_second_person_of_same_organisation_is_refused(cast, meeting):
    motion = opened(cast, meeting)
    with pytest.raises(NotEntitled, match="Victor Voter holds Acme Corporation's vote"):
        services.vote_cast(motion=motion, person=cast.alan, choice=Choice.FOR)
    _nothing_stored(motion)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nora", "carries no vote"),
        ("alice", "carries no vote"),
        ("olga", "no seat on this board"),
        ("sam", "not marked present"),
    ],
)
def test_people_without_a_vote_are_refused(cast, meeting, who, message):
    motion = opened(cast, meeting)
    with pytest.raises(NotEntitled, match=message):
        services.vote_cast(motion=motion, person=getattr(cast, who), choice=Choice.FOR)
    _nothing_stored(motion)


@pytest.mark.parametrize(
    ("who", "message"), [("nora", "no vote"), ("olga", "no seat"), ("sam", "no vote")]
)
def test_people_without_a_vote_cannot_vote_on_ballots(cast, who, message):
    motion = opened(cast, method=Method.BALLOT)
    with pytest.raises(NotEntitled, match=message):
        services.vote_cast(motion=motion, person=getattr(cast, who), choice=Choice.FOR)
    _nothing_stored(motion)


def test_draft_motion_takes_no_votes(cast, meeting):
    motion = put(cast, meeting)
    with pytest.raises(MotionClosed, match="not open"):
        services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    _nothing_stored(motion)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"text": "  "}, "resolve"),
        ({"threshold": Threshold.FIXED}, "fixed-number"),
        ({"turnout": Decimal("1.5")}, "between 0 and 1"),
        ({"method": Method.COUNTS, "secret": True}, "secret"),
        ({"threshold": "most"}, "threshold"),
    ],
)
def test_bad_motions_are_refused(cast, meeting, rule, message):
    with pytest.raises(InvalidMotion, match=message):
        put(cast, meeting, **rule)
    assert not Motion.objects.exists()


def test_motion_of_another_board_is_refused(cast, meeting):
    other = put(cast, meeting)
    other.board = cast.other_board
    with pytest.raises(InvalidMotion, match="same board"):
        put(cast, meeting, depends_on=other)


def test_proposer_and_seconder_are_seated_and_different(cast, meeting):
    with pytest.raises(InvalidMotion, match="proposer must hold a seat"):
        put(cast, meeting, proposer=cast.olga)
    with pytest.raises(InvalidMotion, match="someone other"):
        put(cast, meeting, proposer=cast.victor, seconder=cast.victor)


def test_adjourned_meeting_takes_no_new_motions(cast, meeting):
    meeting_services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    with pytest.raises(WrongMotionState, match="correction"):
        put(cast, meeting)


def test_scheduled_meeting_decides_nothing_yet(cast):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(board=cast.board)
    motion = put(cast, meeting, method=Method.WITHOUT_OBJECTION)
    with pytest.raises(WrongMotionState, match="Start the meeting"):
        services.motion_record(motion=motion, actor=cast.alice)


def test_close_ballots_command_closes_what_is_due(cast):
    from django.core.management import call_command

    motion = opened(cast, method=Method.BALLOT)
    past = timezone.now() - dt.timedelta(minutes=1)
    Motion.objects.filter(pk=motion.pk).update(
        opened_at=past - dt.timedelta(days=7), closes_at=past
    )
    out = __import__("io").StringIO()
    call_command("close_ballots", stdout=out)
    assert "1 closed." in out.getvalue()
    motion.refresh_from_db()
    assert (motion.status, motion.outcome) == (Status.CLOSED, Outcome.FAILED)
