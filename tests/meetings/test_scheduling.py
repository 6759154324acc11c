"""Scheduling a meeting, building and publishing its agenda, apologies ahead, who is expected,
and the guards on starting: services first, then the pages (who may, bad input, other boards)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEntry, Role
from meetings import services
from meetings.errors import (
    ApologiesRefused,
    InvalidAgendaChange,
    InvalidSchedule,
    StartNeedsConfirmation,
)
from meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from meetings.queries import expectation_for
from tests.factories import SEATED_FROM, OrganisationFactory, SeatFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

LONDON_BOARD_ZONE = "Europe/London"


def soon(days=3, hour=16):
    """A day a few days ahead at `hour` in the board's zone (the cast's board is UTC)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


def url(name, board, *args):
    return reverse(f"meetings:{name}", args=[board.slug, *args])


# -- Services --------------------------------------------------------------------------------


def test_schedule_without_a_start_is_a_clear_error_not_an_integrity_error(cast):
    with pytest.raises(InvalidSchedule, match="Give the day the meeting is held"):
        services.meeting_schedule(board=cast.board, title="X", starts_at=None, actor=cast.sam)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "Give the meeting a title"),
        ({"kind": "picnic"}, "regular, extraordinary or annual"),
        ({"planned_end_at": soon(hour=15)}, "must end after it starts"),
        ({"planned_end_at": soon(hour=16)}, "must end after it starts"),
    ],
)
def test_schedule_refuses_bad_details_in_words(cast, change, message):
    details = {"board": cast.board, "title": "June", "starts_at": soon(), "actor": cast.sam}
    with pytest.raises(InvalidSchedule, match=message):
        services.meeting_schedule(**{**details, **change})
    assert not Meeting.objects.exists()


def test_second_meeting_at_the_same_start_is_refused_in_words(cast):
    services.meeting_schedule(board=cast.board, title="A", starts_at=soon(), actor=cast.sam)
    with pytest.raises(InvalidSchedule, match="already has a meeting starting"):
        services.meeting_schedule(board=cast.board, title="B", starts_at=soon(), actor=cast.sam)
    assert Meeting.objects.count() == 1


def test_schedule_records_kind_and_is_audited(cast):
    meeting = services.meeting_schedule(
        board=cast.board, title="AGM", kind="annual", starts_at=soon(), actor=cast.sam
    )
    assert meeting.get_kind_display() == "Annual"
    entry = AuditEntry.objects.get(action="meeting.schedule")
    assert entry.actor == cast.sam and "annual meeting “AGM”" in entry.summary


def test_meeting_without_a_time_of_day_is_its_date_in_the_boards_zone(cast):
    cast.board.timezone = "Asia/Tokyo"
    cast.board.save()
    # 20:00 UTC on 3 March is already 4 March in Tokyo: the board's day is the one kept.
    meeting = services.meeting_schedule(
        board=cast.board,
        title="Old minutes",
        starts_at=dt.datetime(2013, 3, 3, 20, 0, tzinfo=dt.UTC),
        time_of_day_known=False,
        actor=cast.sam,
    )
    assert meeting.date == dt.date(2013, 3, 4)
    assert services.starts_text(meeting) == "Mon 4 Mar 2013 (time not recorded)"


def test_a_start_far_from_the_schedule_needs_confirmation_and_moves_the_meeting(cast):
    planned = timezone.now() + dt.timedelta(weeks=7)
    meeting = MeetingFactory(board=cast.board, starts_at=planned)
    with pytest.raises(StartNeedsConfirmation, match="Start it anyway"):
        services.meeting_start(meeting=meeting, actor=cast.alice)
    meeting.refresh_from_db()
    assert meeting.is_scheduled
    now = timezone.now()
    started = services.meeting_start(
        meeting=meeting, actor=cast.alice, at=now, confirm_other_day=True
    )
    started.refresh_from_db()
    assert started.starts_at == now and started.scheduled_for == planned
    assert started.date == timezone.localdate(now, cast.board.zone)
    # Listed when it was held: among the past ones tomorrow, not seven weeks ahead.
    services.meeting_adjourn(meeting=started, actor=cast.alice, at=now + dt.timedelta(hours=1))
    tomorrow = now + dt.timedelta(days=1)
    assert list(Meeting.objects.of_board(cast.board).past(tomorrow)) == [started]
    assert list(Meeting.objects.of_board(cast.board).upcoming(tomorrow)) == []


@pytest.mark.parametrize(
    ("offset", "asks"),
    [
        (dt.timedelta(hours=12), False),
        (dt.timedelta(hours=-12), False),
        (dt.timedelta(hours=12, minutes=1), True),
        (dt.timedelta(hours=-12, minutes=-1), True),
    ],
)
def test_twelve_hours_either_side_of_the_schedule_starts_without_asking(cast, offset, asks):
    meeting = MeetingFactory(board=cast.board)
    at = meeting.starts_at + offset
    if asks:
        with pytest.raises(StartNeedsConfirmation):
            services.meeting_start(meeting=meeting, actor=cast.alice, at=at)
    else:
        started = services.meeting_start(meeting=meeting, actor=cast.alice, at=at)
        assert started.scheduled_for is None and started.is_in_progress


def test_start_inquorate_is_allowed(cast):
    meeting = MeetingFactory(board=cast.board)
    started = services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    assert started.status == MeetingStatus.IN_PROGRESS


def test_apologies_sent_and_withdrawn_before_the_meeting_only(cast):
    meeting = MeetingFactory(board=cast.board)
    services.apologies_send(meeting=meeting, person=cast.victor, actor=cast.victor)
    attendance = Attendance.objects.get(meeting=meeting, person=cast.victor)
    assert attendance.status == AttendanceStatus.APOLOGIES
    assert attendance.organisation == cast.acme  # the seat's snapshot, as for the roll call
    services.apologies_withdraw(meeting=meeting, person=cast.victor, actor=cast.victor)
    assert not Attendance.objects.filter(meeting=meeting).exists()
    with pytest.raises(ApologiesRefused, match="has sent no apologies"):
        services.apologies_withdraw(meeting=meeting, person=cast.victor, actor=cast.victor)
    services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    with pytest.raises(ApologiesRefused, match="before the meeting"):
        services.apologies_send(meeting=meeting, person=cast.greta, actor=cast.greta)


def test_expected_quorum_counts_everyone_seated_but_apologies(cast):
    cast.board.quorum_count = 3
    cast.board.save()
    meeting = MeetingFactory(board=cast.board)
    assert expectation_for(meeting, []).label == "3 of 3 expected: no margin"
    services.apologies_send(meeting=meeting, person=cast.victor, actor=cast.victor)
    # Acme's alternate still comes, so Acme is still expected.
    attendances = list(meeting.attendances.all())
    assert expectation_for(meeting, attendances).label == "3 of 3 expected: no margin"
    services.apologies_send(meeting=meeting, person=cast.alan, actor=cast.sam)
    attendances = list(meeting.attendances.all())
    expectation = expectation_for(meeting, attendances)
    assert expectation.label == "2 of 3 expected: 1 organisation short of quorum"
    assert expectation.tone == "bad"
    assert {a.name for a in expectation.apologies} == {"Victor Voter", "Alan Alternate"}


def test_expected_quorum_shows_a_margin(cast):
    meeting = MeetingFactory(board=cast.board)  # quorum 2 of the 3 organisations
    expectation = expectation_for(meeting, [])
    assert expectation.label == "3 of 3 expected: margin of 1"
    assert expectation.tone == "ok"


def test_carry_over_offers_items_never_reached_last_time(cast):
    last = MeetingFactory(board=cast.board)
    done = AgendaItemFactory(meeting=last, title="Discussed")
    missed = AgendaItemFactory(meeting=last, title="Never reached", presenter=cast.greta)
    services.meeting_start(meeting=last, actor=cast.alice, at=last.starts_at)
    services.meeting_adjourn(
        meeting=last, actor=cast.alice, at=last.starts_at + dt.timedelta(hours=1)
    )
    AgendaItem.objects.filter(pk=done.pk).update(started_at=last.starts_at)
    meeting = MeetingFactory(board=cast.board, starts_at=last.starts_at + dt.timedelta(days=30))
    assert [i.title for i in services.unfinished_items_before(meeting)] == ["Never reached"]
    [carried] = services.agenda_items_carry_over(meeting=meeting, items=[missed], actor=cast.sam)
    assert carried.title == "Never reached" and carried.presenter == cast.greta
    assert carried.carried_from == missed
    assert services.unfinished_items_before(meeting) == []  # offered once
    with pytest.raises(InvalidAgendaChange):
        services.agenda_items_carry_over(meeting=meeting, items=[missed], actor=cast.sam)
    with pytest.raises(InvalidAgendaChange):
        services.agenda_items_carry_over(meeting=meeting, items=[done], actor=cast.sam)


def test_publish_needs_an_item_and_a_meeting_not_yet_started(cast):
    meeting = MeetingFactory(board=cast.board)
    with pytest.raises(InvalidAgendaChange, match="empty"):
        services.agenda_publish(meeting=meeting, actor=cast.sam)
    AgendaItemFactory(meeting=meeting)
    published = services.agenda_publish(meeting=meeting, actor=cast.sam)
    assert published.agenda_published_at is not None
    services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    with pytest.raises(InvalidAgendaChange, match="started"):
        services.agenda_publish(meeting=meeting, actor=cast.sam)


def test_remove_item_only_before_the_start_and_renumbers(cast):
    meeting = MeetingFactory(board=cast.board)
    first, second, third = (AgendaItemFactory(meeting=meeting, position=n) for n in (1, 2, 3))
    services.agenda_item_remove(item=second, actor=cast.sam)
    assert list(meeting.items.in_order().values_list("pk", "position")) == [
        (first.pk, 1),
        (third.pk, 2),
    ]
    services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    with pytest.raises(InvalidAgendaChange, match="only before the meeting starts"):
        services.agenda_item_remove(item=third, actor=cast.sam)


# -- Who may -----------------------------------------------------------------------------------

PLANNERS = ["alice", "sam"]
NOT_PLANNERS = ["victor", "alan", "greta", "nora", "ivan"]


@pytest.mark.parametrize("who", PLANNERS + NOT_PLANNERS + ["olga", None])
def test_only_chair_and_secretary_schedule(cast, client_for, who):
    client = client_for(getattr(cast, who) if who else None)
    page = client.get(url("meeting_schedule", cast.board))
    posted = client.post(
        url("meeting_schedule", cast.board),
        {"kind": "regular", "date": soon().date().isoformat(), "time": "16:00"},
    )
    if who in PLANNERS:
        assert page.status_code == 200
        assert posted.status_code == 302
        assert Meeting.objects.count() == 1
    else:
        expected = {None: 302, "olga": 404}.get(who, 403)
        assert page.status_code == expected and posted.status_code == expected
        assert not Meeting.objects.exists()


def agenda_requests(cast, meeting, item):
    return [
        ("get", url("agenda_plan", cast.board, meeting.pk), {}),
        ("post", url("agenda_plan", cast.board, meeting.pk), {"title": "AOB", "kind": "decision"}),
        ("post", url("agenda_move", cast.board, meeting.pk, item.pk), {"direction": "down"}),
        ("post", url("agenda_publish", cast.board, meeting.pk), {}),
        ("post", url("agenda_remove", cast.board, meeting.pk, item.pk), {}),
    ]


@pytest.mark.parametrize("who", PLANNERS + NOT_PLANNERS + ["olga"])
def test_only_chair_and_secretary_build_the_agenda(cast, client_for, who):
    meeting = MeetingFactory(board=cast.board)
    item = AgendaItemFactory(meeting=meeting, position=1)
    AgendaItemFactory(meeting=meeting, position=2)
    client = client_for(getattr(cast, who))
    for method, path, data in agenda_requests(cast, meeting, item):
        response = getattr(client, method)(path, data)
        if who in PLANNERS:
            assert response.status_code in (200, 302), (path, response.status_code)
        else:
            assert response.status_code == (404 if who == "olga" else 403), path
    if who not in PLANNERS:
        assert meeting.items.count() == 2
        meeting.refresh_from_db()
        assert meeting.agenda_published_at is None


def test_the_meetings_named_chair_may_plan_it(cast, client_for):
    meeting = MeetingFactory(board=cast.board, chair=cast.greta)
    client = client_for(cast.greta)
    assert client.get(url("agenda_plan", cast.board, meeting.pk)).status_code == 200
    other = MeetingFactory(board=cast.board)
    assert client.get(url("agenda_plan", cast.board, other.pk)).status_code == 403


def test_another_boards_meeting_and_items_are_404(cast, client_for):
    theirs = MeetingFactory(board=cast.other_board)
    their_item = AgendaItemFactory(meeting=theirs)
    ours = MeetingFactory(board=cast.board)
    client = client_for(cast.sam)
    assert client.get(url("agenda_plan", cast.board, theirs.pk)).status_code == 404
    for name in ("agenda_move", "agenda_remove"):
        response = client.post(url(name, cast.board, ours.pk, their_item.pk), {"direction": "up"})
        assert response.status_code == 404
    response = client.post(url("apologies", cast.board, ours.pk), {"person": cast.olga.pk})
    assert response.status_code == 404
    assert AgendaItem.objects.filter(meeting=theirs).count() == 1
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("who", "for_whom", "status"),
    [
        ("victor", None, 302),
        ("victor", "victor", 302),
        ("victor", "greta", 403),
        ("nora", "greta", 403),
        ("sam", "greta", 302),
        ("alice", "ivan", 302),
        ("olga", None, 404),
    ],
)
def test_apologies_by_the_member_or_by_an_officer(cast, client_for, who, for_whom, status):
    meeting = MeetingFactory(board=cast.board)
    data = {"person": getattr(cast, for_whom).pk} if for_whom else {}
    response = client_for(getattr(cast, who)).post(url("apologies", cast.board, meeting.pk), data)
    assert response.status_code == status
    person = getattr(cast, for_whom or who)
    sent = Attendance.objects.filter(meeting=meeting, person=person, status="apologies")
    assert sent.exists() is (status == 302)


def test_apologies_for_someone_not_seated_is_404(cast, client_for):
    meeting = MeetingFactory(board=cast.board)
    stranger = UserFactory()
    response = client_for(cast.sam).post(
        url("apologies", cast.board, meeting.pk), {"person": stranger.pk}
    )
    assert response.status_code == 404
    response = client_for(cast.sam).post(url("apologies", cast.board, meeting.pk), {"person": "x"})
    assert response.status_code == 404


def test_member_sends_and_withdraws_apologies_from_the_meeting_page(cast, client_for):
    meeting = MeetingFactory(board=cast.board, starts_at=soon())
    client = client_for(cast.greta)
    page = client.get(meeting.get_absolute_url()).text
    assert "You are expected for Globex" in page and "Send apologies" in page
    response = client.post(url("apologies", cast.board, meeting.pk), follow=True)
    assert "Your apologies are sent" in response.text
    assert "You have sent apologies" in response.text
    assert "Apologies:</span> Greta Globex (Globex)" in response.text
    response = client.post(url("apologies", cast.board, meeting.pk), {"withdraw": "1"}, follow=True)
    assert "Your apologies are withdrawn" in response.text
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_apologies_after_the_start_say_why_in_words(cast, client_for):
    meeting = MeetingFactory(board=cast.board)
    services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    response = client_for(cast.greta).post(url("apologies", cast.board, meeting.pk), follow=True)
    assert response.status_code == 200
    assert "Apologies are sent before the meeting" in response.text
    assert not Attendance.objects.filter(meeting=meeting).exists()


# -- The pages -------------------------------------------------------------------------------


def test_secretary_schedules_from_the_meetings_page_and_lands_on_the_agenda(cast, client_for):
    client = client_for(cast.sam)
    listing = client.get(url("meeting_list", cast.board)).text
    assert url("meeting_schedule", cast.board) in listing
    assert "admin" not in listing.split("Schedule a meeting")[0].rsplit("href", 1)[-1]
    day = soon(days=10).date()
    response = client.post(
        url("meeting_schedule", cast.board),
        {
            "kind": "extraordinary",
            "date": day.isoformat(),
            "time": "15:30",
            "ends": "17:00",
            "location": "Conference call",
            "dial_in": "https://call.example.org/board",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == url("agenda_plan", cast.board, meeting.pk)
    assert meeting.kind == "extraordinary"
    assert meeting.title == f"Extraordinary meeting, {day.day} {day:%B %Y}"
    assert meeting.starts_at == dt.datetime.combine(day, dt.time(15, 30), cast.board.zone)
    assert meeting.planned_end_at == dt.datetime.combine(day, dt.time(17), cast.board.zone)
    assert meeting.time_of_day_known


def test_schedule_form_reads_times_in_the_boards_zone(cast, client_for):
    cast.board.timezone = LONDON_BOARD_ZONE
    cast.board.save()
    client_for(cast.sam).post(
        url("meeting_schedule", cast.board),
        {"kind": "regular", "title": "July", "date": "2031-07-17", "time": "16:00"},
    )
    assert Meeting.objects.get().starts_at == dt.datetime(2031, 7, 17, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give the day the meeting is held."),
        ({"date": "not a date"}, "Give a date."),
        ({"date": "2031-07-17"}, "Give the time the meeting starts."),
        ({"date": "2031-07-17", "time": "25:00"}, "Give a time such as 16:00."),
        ({"date": "2031-07-17", "time": "16:00", "ends": "15:00"}, "must end after it starts"),
        ({"date": "2031-07-17", "ends": "15:00"}, "Give the start time too"),
        ({"date": "2031-07-17", "time": "16:00", "kind": "picnic"}, "Select a valid choice"),
        ({"date": "2031-07-17", "time": "16:00", "title": "x" * 151}, "at most 150"),
    ],
)
def test_schedule_form_bad_input_is_a_clear_error(cast, client_for, data, message):
    response = client_for(cast.sam).post(
        url("meeting_schedule", cast.board), {"kind": "regular", **data}
    )
    assert response.status_code == 422
    assert "Nothing was saved" in response.text and message in response.text
    assert not Meeting.objects.exists()


def test_schedule_clash_is_a_form_error(cast, client_for):
    MeetingFactory(board=cast.board, starts_at=dt.datetime(2031, 7, 17, 16, tzinfo=cast.board.zone))
    response = client_for(cast.sam).post(
        url("meeting_schedule", cast.board),
        {"kind": "regular", "date": "2031-07-17", "time": "16:00"},
    )
    assert response.status_code == 422
    assert "already has a meeting starting" in response.text
    assert Meeting.objects.count() == 1


def test_a_past_meeting_may_be_entered_without_a_time_and_reads_so(cast, client_for):
    client = client_for(cast.sam)
    client.post(
        url("meeting_schedule", cast.board),
        {"kind": "regular", "title": "March 2013", "date": "2013-03-04"},
    )
    meeting = Meeting.objects.get()
    assert not meeting.time_of_day_known and meeting.date == dt.date(2013, 3, 4)
    for page in (meeting.get_absolute_url(), url("meeting_list", cast.board)):
        text = client_for(cast.victor).get(page).text
        assert "Mon 4 Mar 2013 (time not recorded)" in text
        assert "00:00" not in text


def test_agenda_page_adds_moves_removes_and_publishes(cast, client_for):
    meeting = MeetingFactory(board=cast.board, starts_at=soon())
    client = client_for(cast.sam)
    page = url("agenda_plan", cast.board, meeting.pk)
    for title in ("Welcome", "Treasurer's report"):
        response = client.post(
            page,
            {"title": title, "kind": "decision", "planned_minutes": 15, "presenter": cast.greta.pk},
        )
        assert response.status_code == 302
    welcome, report = meeting.items.in_order()
    client.post(url("agenda_move", cast.board, meeting.pk, report.pk), {"direction": "up"})
    assert [i.title for i in meeting.items.in_order()] == ["Treasurer's report", "Welcome"]
    text = client.get(page).text
    assert "Draft: only officers see it" in text and "30 min planned" in text
    assert "Greta Globex" in text
    member_view = client_for(cast.victor).get(meeting.get_absolute_url()).text
    assert "The agenda is being prepared" in member_view
    assert "Treasurer&#x27;s report" not in member_view
    client.post(url("agenda_publish", cast.board, meeting.pk))
    member_view = client_for(cast.victor).get(meeting.get_absolute_url()).text
    assert "Treasurer&#x27;s report" in member_view
    assert "The agenda is being prepared" not in member_view
    client.post(url("agenda_remove", cast.board, meeting.pk, welcome.pk))
    assert [i.title for i in meeting.items.in_order()] == ["Treasurer's report"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "kind": "decision"}, "This field is required"),
        ({"title": "T", "kind": "nonsense"}, "Select a valid choice"),
        ({"title": "T", "kind": "decision", "planned_minutes": "-3"}, "greater than or equal to 1"),
        ({"title": "T", "kind": "decision", "presenter": "99999"}, "Select a valid choice"),
    ],
)
def test_agenda_add_bad_input_is_a_clear_error(cast, client_for, data, message):
    meeting = MeetingFactory(board=cast.board)
    response = client_for(cast.sam).post(url("agenda_plan", cast.board, meeting.pk), data)
    assert response.status_code == 422
    assert message in response.text
    assert not meeting.items.exists()


def test_agenda_refusals_are_said_on_the_page(cast, client_for):
    meeting = MeetingFactory(board=cast.board)
    item = AgendaItemFactory(meeting=meeting)
    client = client_for(cast.sam)
    response = client.post(url("agenda_move", cast.board, meeting.pk, item.pk), {"direction": "up"})
    assert response.status_code == 422 and "already first" in response.text
    response = client.post(url("agenda_move", cast.board, meeting.pk, item.pk), {"direction": "x"})
    assert response.status_code == 422 and "Move an item up or down" in response.text
    response = client.post(url("agenda_carry_over", cast.board, meeting.pk), {"items": [item.pk]})
    assert response.status_code == 422 and "Select a valid choice" in response.text


def test_carry_over_from_the_agenda_page(cast, client_for):
    last = MeetingFactory(board=cast.board)
    AgendaItemFactory(meeting=last, title="Welcome")  # opened at the start
    missed = AgendaItemFactory(meeting=last, title="Trademark policy")
    services.meeting_start(meeting=last, actor=cast.alice, at=last.starts_at)
    services.meeting_adjourn(
        meeting=last, actor=cast.alice, at=last.starts_at + dt.timedelta(hours=1)
    )
    meeting = MeetingFactory(board=cast.board, starts_at=last.starts_at + dt.timedelta(days=30))
    client = client_for(cast.sam)
    text = client.get(url("agenda_plan", cast.board, meeting.pk)).text
    assert "Left unfinished last time" in text and "Trademark policy" in text
    client.post(url("agenda_carry_over", cast.board, meeting.pk), {"items": [missed.pk]})
    text = client.get(url("agenda_plan", cast.board, meeting.pk)).text
    assert "Carried over" in text and "Left unfinished last time" not in text


def test_chair_sees_who_is_expected_and_no_margin(cast, client_for):
    cast.board.quorum_count = 3
    cast.board.save()
    meeting = MeetingFactory(board=cast.board, starts_at=soon())
    services.apologies_send(meeting=meeting, person=cast.nora, actor=cast.nora)
    for page in (url("agenda_plan", cast.board, meeting.pk), meeting.get_absolute_url()):
        text = client_for(cast.alice).get(page).text
        assert "3 of 3 expected: no margin" in text
        assert "Nora Nonvoting" in text.split("Apologies")[-1]
    assert "expected: no margin" not in client_for(cast.victor).get(meeting.get_absolute_url()).text


def test_dashboard_card_shows_the_published_agenda_and_apologies(cast, client_for):
    meeting = MeetingFactory(board=cast.board, title="June", starts_at=soon())
    AgendaItemFactory(meeting=meeting, title="Security process", planned_minutes=20)
    dashboard = reverse("dashboard", args=[cast.board.slug])
    text = client_for(cast.victor).get(dashboard).text
    assert "June" in text and "Security process" not in text
    assert "The agenda is not published yet" in text
    services.agenda_publish(meeting=meeting, actor=cast.sam)
    services.apologies_send(meeting=meeting, person=cast.victor, actor=cast.victor)
    text = client_for(cast.victor).get(dashboard).text
    assert "Security process" in text and "20 min" in text
    assert "Apologies sent" in text


def test_console_asks_before_starting_far_from_the_schedule(cast, client_for):
    meeting = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(weeks=7))
    client = client_for(cast.alice)
    start = url("console_start", cast.board, meeting.pk)
    response = client.post(start, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Start it anyway" in response.text and "Start it now, held today" in response.text
    meeting.refresh_from_db()
    assert meeting.is_scheduled
    response = client.post(start, {"confirm_other_day": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Meeting started without quorum (2 organisations short of quorum)" in response.text
    meeting.refresh_from_db()
    assert meeting.is_in_progress and meeting.scheduled_for is not None
    text = client.get(meeting.get_absolute_url()).text
    assert "started on another day" in text


def test_a_meeting_page_follows_only_meetings_running_or_due_within_hours(cast, client_for):
    client = client_for(cast.victor)
    due = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(hours=2))
    later = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(days=3))
    text = client.get(due.get_absolute_url()).text
    assert 'id="live-indicator"' in text and "Waiting for the start" in text
    assert 'id="live-indicator"' not in client.get(later.get_absolute_url()).text


def test_live_poll_names_the_meeting_status(cast, client_for):
    from meetings.views import live_url_for

    meeting = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(hours=1))
    meeting.refresh_from_db()
    poll = client_for(cast.victor).get(live_url_for(meeting), {"v": meeting.live_version})
    assert poll.status_code == 204 and poll["X-Meeting-Status"] == "scheduled"
    services.meeting_start(meeting=meeting, actor=cast.alice)
    poll = client_for(cast.victor).get(live_url_for(meeting), {"v": meeting.live_version})
    assert poll.status_code == 200 and poll["X-Meeting-Status"] == "in_progress"
    assert 'data-meeting-status="in_progress"' in poll.text


def test_a_person_with_two_seats_is_expected_once(cast):
    # A person voting for a second organisation is one expected person, seated once.
    initech2 = OrganisationFactory(board=cast.board, name="Hooli")
    SeatFactory(
        board=cast.board,
        person=cast.ivan,
        organisation=initech2,
        role=Role.ALTERNATE,
        starts_on=SEATED_FROM,
    )
    meeting = MeetingFactory(board=cast.board)
    names = [a.person.full_name for a in expectation_for(meeting, []).expected_people]
    assert names.count("Ivan Initech") == 1
