"""Presence is a list of stretches: someone may leave and come back any number of times; quorum
at any moment, the timeline, the roll call and the record count the stretches."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEntry, Role, VotingBasis
from meetings import services
from meetings.errors import MeetingNotOpen, PresenceRefused, RecordClosed
from meetings.models import Attendance, AttendanceStatus, Meeting, Presence
from meetings.queries import (
    describe_quorum_timeline,
    meeting_record,
    quorum_of,
    quorum_timeline,
    vote_holders_at,
)
from minutes.generate import minutes_markdown
from tests.factories import SEATED_FROM, BoardFactory, OrganisationFactory, SeatFactory, UserFactory
from tests.meetings.factories import attend, started_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2024, 3, 14, 10, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.datetime:
    return START + dt.timedelta(minutes=n)


def apply(meeting, cast, events):
    """Play `events` (who, "in" | "left" | "back", minute) through the services."""
    for who, what, minute in events:
        person = getattr(cast, who)
        at = minutes(minute)
        if what == "in":
            attend(meeting, person, actor=cast.alice, at=at)
            continue
        attendance = Attendance.objects.get(meeting=meeting, person=person)
        service = services.attendance_depart if what == "left" else services.attendance_return
        service(attendance=attendance, actor=cast.alice, at=at)


# -- The timeline, table-driven ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "timeline"),
    [
        pytest.param(
            [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20), ("greta", "back", 40)],
            "Quorate from 10:00 UTC; inquorate from 10:20 UTC; quorate again from 10:40 UTC",
            id="leave-and-return",
        ),
        pytest.param(
            [
                ("victor", "in", 0),
                ("greta", "in", 0),
                ("greta", "left", 20),
                ("greta", "back", 40),
                ("greta", "left", 50),
                ("greta", "back", 55),
            ],
            "Quorate from 10:00 UTC; inquorate from 10:20 UTC; quorate again from 10:40 UTC; "
            "inquorate from 10:50 UTC; quorate again from 10:55 UTC",
            id="twice",
        ),
        pytest.param(
            # Acme's representative and alternate take turns: Acme stays represented.
            [
                ("victor", "in", 0),
                ("greta", "in", 0),
                ("alan", "in", 15),
                ("victor", "left", 20),
                ("victor", "back", 40),
                ("alan", "left", 45),
            ],
            "Quorate from 10:00 UTC",
            id="one-organisation-alternating",
        ),
        pytest.param(
            [("victor", "in", 0), ("greta", "in", 5), ("greta", "left", 20), ("greta", "back", 20)],
            "Quorate from 10:05 UTC",
            id="left-and-back-at-the-same-moment",
        ),
        pytest.param(
            [
                ("victor", "in", 0),
                ("greta", "in", 0),
                ("greta", "left", 20.2),
                ("greta", "back", 20.7),
            ],
            "Quorate from 10:00 UTC; inquorate from 10:20 UTC; quorate again from 10:20 UTC",
            id="left-and-back-within-a-minute",
        ),
        pytest.param(
            [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20)],
            "Quorate from 10:00 UTC; inquorate from 10:20 UTC",
            id="left-for-good",
        ),
        pytest.param([("victor", "in", 0)], "Never quorate", id="never"),
    ],
)
def test_the_timeline_counts_every_stretch(cast, events, timeline):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, events)
    with timezone.override(dt.UTC):
        assert describe_quorum_timeline(quorum_timeline(meeting)) == timeline
        assert meeting_record(meeting).timeline_text == (
            "Not yet quorate" if timeline == "Never quorate" else timeline
        )


def test_quorum_between_the_stretches_counts_who_is_in_the_room(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20)])
    apply(meeting, cast, [("greta", "back", 40)])
    expected = {0: True, 19: True, 20: False, 30: False, 39.9: False, 40: True, 90: True}
    assert {m: quorum_of(meeting, minutes(m)).is_quorate for m in expected} == expected
    assert quorum_of(meeting).is_quorate  # now: back in the room


def test_two_people_of_one_organisation_alternating_keep_it_represented(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(
        meeting,
        cast,
        [("victor", "in", 0), ("alan", "in", 15), ("victor", "left", 20), ("victor", "back", 40)],
    )
    services.attendance_depart(
        attendance=Attendance.objects.get(person=cast.alan), actor=cast.alice, at=minutes(45)
    )
    for moment in (10, 30, 50):
        quorum = quorum_of(meeting, minutes(moment))
        assert [o.name for o in quorum.organisations] == ["Acme Corporation"], moment
        holder = vote_holders_at(meeting, minutes(moment))
        assert [h.attendance.name for h in holder.values()] == [
            "Alan Alternate" if moment == 30 else "Victor Voter"
        ]


def test_a_person_voting_board_of_seven_is_quorate_when_the_seventh_arrives():
    board = BoardFactory(voting_basis=VotingBasis.PERSON, quorum_count=7)
    chair = UserFactory(full_name="Carla Chair")
    SeatFactory(board=board, person=chair, role=Role.CHAIR, starts_on=SEATED_FROM)
    directors = []
    for number in range(7):
        organisation = OrganisationFactory(board=board, name=f"Seat {number}")
        person = UserFactory(full_name=f"Director {number}")
        SeatFactory(
            board=board,
            person=person,
            organisation=organisation,
            role=Role.VOTING,
            starts_on=SEATED_FROM,
        )
        directors.append(person)
    start = dt.datetime(2024, 3, 14, 19, 30, tzinfo=dt.UTC)
    meeting = started_meeting(board, at=start, actor=chair)
    attend(meeting, *directors[:6], actor=chair, at=start)
    attend(meeting, directors[6], actor=chair, at=start + dt.timedelta(minutes=15))
    record = meeting_record(meeting)
    assert record.required == 7 and record.quorum.is_quorate
    with timezone.override(dt.UTC):
        assert record.timeline_text == "Quorate from 19:45 UTC"
        assert [(c.at.strftime("%H:%M"), c.is_quorate) for c in record.timeline] == [
            ("19:30", False),
            ("19:45", True),
        ]


def test_someone_leaving_at_the_moment_of_a_vote_is_not_counted_at_it(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20)])
    vote = minutes(20)
    assert not quorum_of(meeting, vote).is_quorate
    assert [h.attendance.name for h in vote_holders_at(meeting, vote).values()] == ["Victor Voter"]
    just_before = vote - dt.timedelta(seconds=1)
    assert quorum_of(meeting, just_before).is_quorate


def test_someone_back_at_the_moment_of_a_vote_is_counted_at_it(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(
        meeting,
        cast,
        [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20), ("greta", "back", 40)],
    )
    assert quorum_of(meeting, minutes(40)).is_quorate


# -- The services' rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "then", "refusal"),
    [
        pytest.param([], ("left", -5), "opened at 10:00", id="leave-before-the-opening"),
        pytest.param([], ("left", 60 * 24 * 365 * 50), "still to come", id="leave-in-the-future"),
        pytest.param([], ("back", 30), "already here", id="back-while-here"),
        pytest.param([("left", 20)], ("left", 30), "already left at", id="left-twice"),
        pytest.param([("left", 20)], ("back", 10), "left at", id="back-before-leaving"),
        pytest.param(
            [("left", 20), ("back", 40)], ("left", 30), "came in at", id="leave-before-coming-back"
        ),
        pytest.param(
            [("left", 20)], ("back", 60 * 24 * 365 * 50), "still to come", id="back-in-the-future"
        ),
    ],
)
def test_a_departure_or_return_that_cannot_be_is_refused_in_words(cast, events, then, refusal):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("greta", "in", 0)] + [("greta", *event) for event in events])
    greta = Attendance.objects.get(person=cast.greta)
    before = (list(Presence.objects.values_list("arrived_at", "departed_at")), _versions(meeting))
    what, minute = then
    service = services.attendance_depart if what == "left" else services.attendance_return
    with pytest.raises(PresenceRefused, match=refusal):
        service(attendance=greta, actor=cast.alice, at=minutes(minute))
    after = (list(Presence.objects.values_list("arrived_at", "departed_at")), _versions(meeting))
    assert after == before


def _versions(meeting):
    return (Meeting.objects.get(pk=meeting.pk).live_version, AuditEntry.objects.count())


def test_a_return_after_the_adjournment_is_refused(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("greta", "in", 0), ("greta", "left", 20)])
    services.meeting_adjourn(meeting=meeting, actor=cast.alice, at=minutes(60))
    greta = Attendance.objects.get(person=cast.greta)
    with pytest.raises(RecordClosed):
        services.attendance_return(attendance=greta, actor=cast.alice, at=minutes(50))
    with pytest.raises(RecordClosed):
        services.attendance_depart(attendance=greta, actor=cast.alice, at=minutes(50))
    assert Presence.objects.count() == 1


def test_departures_wait_for_the_meeting_to_start(cast):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(board=cast.board)
    (greta,) = attend(meeting, cast.greta, actor=cast.alice)
    assert list(greta.stretches.values_list("arrived_at", "departed_at")) == [(None, None)]
    with pytest.raises(MeetingNotOpen):
        services.attendance_depart(attendance=greta, actor=cast.alice)


def test_marking_present_during_the_meeting_opens_the_first_stretch_now(cast):
    meeting = started_meeting(cast.board, at=timezone.now() - dt.timedelta(minutes=30))
    before = timezone.now()
    (greta,) = attend(meeting, cast.greta, actor=cast.alice)
    (stretch,) = greta.stretches.all()
    assert stretch.departed_at is None and before <= stretch.arrived_at <= timezone.now()
    # Marked present again while here: nothing changes.
    attend(meeting, cast.greta, actor=cast.alice)
    assert greta.stretches.count() == 1


def test_marking_present_after_leaving_is_coming_back(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("greta", "in", 0), ("greta", "left", 20)])
    attend(meeting, cast.greta, actor=cast.alice, at=minutes(40))
    greta = Attendance.objects.get(person=cast.greta)
    assert list(greta.stretches.values_list("arrived_at", "departed_at")) == [
        (START, minutes(20)),
        (minutes(40), None),
    ]


def test_marking_absent_clears_the_stretches(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("greta", "in", 0), ("greta", "left", 20)])
    services.attendance_mark(
        meeting=meeting, person=cast.greta, status=AttendanceStatus.ABSENT, actor=cast.alice
    )
    assert not Presence.objects.exists()


def test_each_departure_and_return_is_audited_with_the_stretches_before_and_after(cast):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(meeting, cast, [("greta", "in", 0), ("greta", "left", 20), ("greta", "back", 40)])
    back = AuditEntry.objects.get(action="attendance.return")
    opened, left, returned = (m.isoformat() for m in (START, minutes(20), minutes(40)))
    assert back.actor == cast.alice
    assert back.changes == {
        "stretches": [[[opened, left]], [[opened, left], [returned, None]]],
    }


def test_the_database_keeps_one_open_stretch_and_ordered_times(cast):
    from django.db import IntegrityError, transaction

    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    (greta,) = attend(meeting, cast.greta, actor=cast.alice, at=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        Presence.objects.create(attendance=greta, arrived_at=minutes(30))
    with pytest.raises(IntegrityError), transaction.atomic():
        Presence.objects.create(attendance=greta, arrived_at=minutes(30), departed_at=minutes(20))


# -- The record --------------------------------------------------------------------------------


def test_the_record_and_the_minutes_say_left_and_back(cast, client_for):
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(
        meeting,
        cast,
        [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20), ("greta", "back", 40)],
    )
    services.meeting_adjourn(meeting=meeting, actor=cast.alice, at=minutes(90))
    page = client_for(cast.nora).get(meeting.get_absolute_url()).text
    assert "left 10:20 GMT, back 10:40 GMT" in page
    assert "Quorate from 10:00 GMT; inquorate from 10:20 GMT; quorate again from 10:40 GMT" in page
    markdown = minutes_markdown(Meeting.objects.get(pk=meeting.pk))
    assert "Greta Globex (voting, left 10:20 GMT, back 10:40 GMT) — Globex" in markdown
    assert (
        "Quorate from 10:00 GMT; inquorate from 10:20 GMT; quorate again from 10:40 GMT to "
        "11:30 GMT." in markdown
    )


# -- The console -------------------------------------------------------------------------------


def console_url(meeting, name="console_attendance"):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk])


def hhmm(moment):
    return timezone.localtime(moment, LONDON).strftime("%H:%M")


@pytest.fixture
def running(cast):
    """A meeting that opened 50 minutes ago, Victor and Greta in the room from the opening."""
    start = (timezone.now() - dt.timedelta(minutes=50)).replace(second=0, microsecond=0)
    meeting = started_meeting(cast.board, at=start, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, actor=cast.alice, at=start)
    return meeting


def test_the_console_records_left_and_back_at_typed_times(cast, client_for, running):
    greta = Attendance.objects.get(person=cast.greta)
    left, back = (
        running.started_at + dt.timedelta(minutes=20),
        running.started_at + dt.timedelta(minutes=40),
    )
    chair = client_for(cast.alice)
    page = chair.get(console_url(running, "live_console")).text
    assert f'id="roll-move-a{greta.pk}" aria-label="Left: record Greta Globex leaving"' in page
    assert f'for="roll-at-a{greta.pk}"' in page
    data = {"attendance": greta.pk, "status": "left", "at": hhmm(left)}
    out = chair.post(console_url(running), data, headers=HTMX)
    assert out.status_code == 200 and "1 organisation short of quorum" in out.text
    assert f"Left {hhmm(left)}" in out.text
    assert f'id="roll-move-a{greta.pk}" aria-label="Back: record Greta Globex coming back"' in (
        out.text
    )
    assert "Greta Globex: left " + hhmm(left) in out.headers["HX-Trigger"]
    data = {"attendance": greta.pk, "status": "back", "at": hhmm(back)}
    again = chair.post(console_url(running), data, headers=HTMX)
    assert again.status_code == 200 and "Quorate: 2 of 2 required" in again.text
    assert list(greta.stretches.values_list("arrived_at", "departed_at")) == [
        (running.started_at, left),
        (back, None),
    ]
    shown = client_for(cast.nora).get(running.get_absolute_url()).text
    assert f"left {hhmm(left)} GMT, back {hhmm(back)} GMT" in shown or (
        f"left {hhmm(left)} BST, back {hhmm(back)} BST" in shown
    )


def test_left_without_a_time_is_now(cast, client_for, running):
    greta = Attendance.objects.get(person=cast.greta)
    before = timezone.now()
    client_for(cast.sam).post(console_url(running), {"attendance": greta.pk, "status": "left"})
    (stretch,) = greta.stretches.all()
    assert before <= stretch.departed_at <= timezone.now()


def test_a_repeated_left_post_is_refused_in_words_and_stores_nothing(cast, client_for, running):
    greta = Attendance.objects.get(person=cast.greta)
    chair = client_for(cast.alice)
    data = {"attendance": greta.pk, "status": "left"}
    assert chair.post(console_url(running), data, headers=HTMX).status_code == 200
    stored = list(greta.stretches.values_list("arrived_at", "departed_at"))
    second = chair.post(console_url(running), data, headers=HTMX)
    assert second.status_code == 422 and "Greta Globex already left at" in second.text
    assert list(greta.stretches.values_list("arrived_at", "departed_at")) == stored
    third = chair.post(console_url(running), {**data, "status": "back"}, headers=HTMX)
    fourth = chair.post(console_url(running), {**data, "status": "back"}, headers=HTMX)
    assert third.status_code == 200 and fourth.status_code == 422
    assert "Greta Globex is already here" in fourth.text
    assert greta.stretches.count() == 2


@pytest.mark.parametrize(
    ("at", "refusal"),
    [
        ("nonsense", "Enter a valid time"),
        ("minus-10", "opened at"),
        ("plus-30", "still to come"),
    ],
)
def test_a_bad_time_in_the_console_is_said_not_stored(cast, client_for, running, at, refusal):
    greta = Attendance.objects.get(person=cast.greta)
    if at.startswith(("minus", "plus")):
        sign, number = at.split("-")
        offset = dt.timedelta(minutes=int(number))
        at = hhmm(running.started_at - offset if sign == "minus" else timezone.now() + offset)
    response = client_for(cast.alice).post(
        console_url(running), {"attendance": greta.pk, "status": "left", "at": at}, headers=HTMX
    )
    assert response.status_code == 422 and refusal in response.text
    assert list(greta.stretches.values_list("departed_at", flat=True)) == [None]


@pytest.mark.parametrize(
    ("who", "status"),
    [("victor", 403), ("nora", 403), (None, 302), ("olga", 404)],
)
def test_only_the_recorders_record_departures(cast, client_for, running, who, status):
    greta = Attendance.objects.get(person=cast.greta)
    client = client_for(getattr(cast, who) if who else None)
    response = client.post(console_url(running), {"attendance": greta.pk, "status": "left"})
    assert response.status_code == status
    assert list(greta.stretches.values_list("departed_at", flat=True)) == [None]


def test_another_meetings_attendance_is_not_found(cast, client_for, running):
    opened = running.started_at + dt.timedelta(minutes=1)
    other = started_meeting(cast.board, at=opened, actor=cast.alice)
    (ivan,) = attend(other, cast.ivan, actor=cast.alice, at=opened)
    response = client_for(cast.alice).post(
        console_url(running), {"attendance": ivan.pk, "status": "left"}
    )
    assert response.status_code == 404
    assert list(ivan.stretches.values_list("departed_at", flat=True)) == [None]


def test_the_minute_taker_records_departures(cast, client_for, running):
    from tests.factories import UserFactory as People

    taker = People(full_name="Tom Taker")
    SeatFactory(board=cast.board, person=taker, role=Role.STAFF, starts_on=SEATED_FROM)
    Meeting.objects.filter(pk=running.pk).update(minute_taker=taker)
    greta = Attendance.objects.get(person=cast.greta)
    response = client_for(taker).post(
        console_url(running), {"attendance": greta.pk, "status": "left"}
    )
    assert response.status_code == 302
    assert greta.stretches.get().departed_at is not None


# -- Query budgets ------------------------------------------------------------------------------


def _comings_and_goings(cast, size):
    """A running meeting where each voter left and came back twice: 2 voters, or 22."""
    start = (timezone.now() - dt.timedelta(minutes=50)).replace(second=0, microsecond=0)
    start -= dt.timedelta(minutes={"small": 0, "big": 1}[size])
    meeting = started_meeting(cast.board, at=start, actor=cast.alice)
    people = [cast.victor, cast.greta]
    for number in range({"small": 0, "big": 20}[size]):
        person = UserFactory(full_name=f"Rep {size} {number}")
        SeatFactory(
            board=cast.board,
            person=person,
            organisation=OrganisationFactory(board=cast.board, name=f"Member {size} {number}"),
            role=Role.VOTING,
            starts_on=SEATED_FROM,
        )
        people.append(person)
    for attendance in attend(meeting, *people, actor=cast.alice, at=start):
        for minute in (10, 30):
            at = start + dt.timedelta(minutes=minute)
            services.attendance_depart(attendance=attendance, actor=cast.alice, at=at)
            services.attendance_return(
                attendance=attendance, actor=cast.alice, at=at + dt.timedelta(minutes=5)
            )
    return meeting, Attendance.objects.get(meeting=meeting, person=cast.greta)


def _queries(cast, client_for, size, method, name, data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting, greta = _comings_and_goings(cast, size)
    client = client_for(cast.alice)
    client.get(reverse("dashboard", args=[cast.board.slug]))
    path = meeting.get_absolute_url() if name == "meeting_detail" else console_url(meeting, name)
    data = {key: greta.pk if value == "greta" else value for key, value in data.items()}
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data, headers=HTMX)
    assert response.status_code == 200, response.text[:300]
    Meeting.objects.filter(pk=meeting.pk).delete()
    return len(queries)


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        pytest.param("get", "live_console", {}, id="console"),
        pytest.param("get", "live_console", {"piece": "roll"}, id="roll"),
        pytest.param("get", "meeting_detail", {}, id="record"),
        pytest.param("post", "console_attendance", {"attendance": "greta", "status": "left"}),
    ],
)
def test_stretches_cost_the_same_queries_for_2_and_22_people(cast, client_for, method, name, data):
    small = _queries(cast, client_for, "small", method, name, data)
    big = _queries(cast, client_for, "big", method, name, data)
    assert small == big, f"{small} queries for 2 people, {big} for 22"


# -- Correcting the record ----------------------------------------------------------------------


@pytest.fixture
def closed(cast):
    """An adjourned meeting (10:00 to 11:30): Victor throughout, Greta out from 10:20 to 10:40."""
    meeting = started_meeting(cast.board, at=START, actor=cast.alice)
    apply(
        meeting,
        cast,
        [("victor", "in", 0), ("greta", "in", 0), ("greta", "left", 20), ("greta", "back", 40)],
    )
    services.meeting_adjourn(meeting=meeting, actor=cast.alice, at=minutes(90))
    return Meeting.objects.get(pk=meeting.pk)


@pytest.mark.parametrize(
    ("stretches", "timeline"),
    [
        pytest.param(
            [(0, 20), (40, None), (50, 60)], None, id="overlapping-an-open-stretch-refused"
        ),
        pytest.param(
            [(0, 20), (40, 60)],
            "Quorate from 10:00 GMT; inquorate from 10:20 GMT; quorate again from 10:40 GMT; "
            "inquorate from 11:00 GMT",
            id="change-the-last-departure",
        ),
        pytest.param(
            [(0, 20), (30, 35), (40, None)],
            "Quorate from 10:00 GMT; inquorate from 10:20 GMT; quorate again from 10:30 GMT; "
            "inquorate from 10:35 GMT; quorate again from 10:40 GMT",
            id="add-a-stretch",
        ),
        pytest.param([(0, None)], "Quorate from 10:00 GMT", id="remove-the-time-away"),
        pytest.param([(0, 20), (15, None)], None, id="overlap-refused"),
        pytest.param([(0, 20), (40, 120)], None, id="after-the-adjournment-refused"),
        pytest.param([(-10, 20)], None, id="before-the-opening-refused"),
        pytest.param([(30, 20)], None, id="leaving-before-arriving-refused"),
        pytest.param([], None, id="no-stretch-refused"),
    ],
)
def test_a_correction_adds_changes_or_removes_stretches(cast, closed, stretches, timeline):
    from meetings import corrections
    from meetings.errors import CorrectionRefused
    from meetings.models import Correction

    greta = Attendance.objects.get(meeting=closed, person=cast.greta)
    greta.meeting = closed
    typed = [
        (None if a is None else minutes(a), None if d is None else minutes(d)) for a, d in stretches
    ]
    before = list(greta.stretches.values_list("arrived_at", "departed_at"))
    if timeline is None:
        with pytest.raises(CorrectionRefused):
            corrections.attendance_correct(
                attendance=greta, actor=cast.alice, reason="Minutes", status="present",
                stretches=typed,
            )  # fmt: skip
        assert list(greta.stretches.values_list("arrived_at", "departed_at")) == before
        assert not Correction.objects.exists()
        return
    correction = corrections.attendance_correct(
        attendance=greta, actor=cast.alice, reason="As minuted", status="present", stretches=typed
    )
    assert correction.reason == "As minuted"
    assert correction.before["stretches"] == [
        [a.isoformat(), d and d.isoformat()] for a, d in before
    ]
    assert len(correction.after["stretches"]) == len(stretches)
    entry = AuditEntry.objects.get(action="meeting.correct")
    assert entry.changes["stretches"] == [
        correction.before["stretches"],
        correction.after["stretches"],
    ]
    with timezone.override(LONDON):
        assert meeting_record(Meeting.objects.get(pk=closed.pk)).timeline_text == timeline


def test_the_correction_page_adds_a_stretch_with_a_reason(cast, client_for, closed):
    greta = Attendance.objects.get(meeting=closed, person=cast.greta)
    page = reverse("meetings:correct_attendance", args=[cast.board.slug, closed.pk, greta.pk])
    chair = client_for(cast.sam)
    form = chair.get(page).text
    for label in ("Stretch 1: arrived at", "Stretch 2: left at", "Remove<span"):
        assert label in form
    assert "Another stretch: arrived at" in form
    data = {
        "status": "present",
        "arrived_0": "10:00",
        "left_0": "10:20",
        "arrived_1": "10:40",
        "left_1": "",
        "arrived_new": "10:25",
        "left_new": "10:30",
        "reason": "Greta looked in at 10:25",
    }
    review = chair.post(page, data)
    assert review.status_code == 200 and "10:25 GMT to 10:30 GMT" in review.text
    assert greta.stretches.count() == 2
    assert chair.post(page, {**data, "confirm": "1"}).status_code == 302
    assert greta.stretches.count() == 3
    shown = client_for(cast.nora).get(closed.get_absolute_url()).text
    assert "left 10:20 GMT, back 10:25 GMT, left 10:30 GMT, back 10:40 GMT" in shown
    assert "Greta looked in at 10:25" in shown
