"""Whatever arrives in a URL or a form, a meetings page answers with a message or a 404, never a
500, and nothing is half-saved."""

import datetime as dt

import pytest
from django.urls import reverse

from governance.models import AuditEntry, Role
from meetings import services
from meetings.models import AgendaItem, Attendance, Meeting, Note
from tests.factories import SeatFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
HUGE = "9" * 30


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


@pytest.fixture
def meeting(cast):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, actor=cast.alice)
    return Meeting.objects.get(pk=meeting.pk)


def snapshot():
    return (
        Note.objects.count(),
        Attendance.objects.count(),
        AgendaItem.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def chair(cast, client_for):
    client = client_for(cast.alice)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("speaker", ["²", "٣", "abc", "-1", "0", HUGE])
def test_a_speaker_that_is_no_attendance_id_is_refused(chair, meeting, speaker):
    before = snapshot()
    response = chair.post(
        url(meeting, "console_note", meeting.current_item_id),
        {"text": "Victor: agreed", "speaker": speaker},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "That speaker is not at this meeting" in response.text
    assert "Victor: agreed" in response.text  # the text stays in the box
    assert snapshot() == before


def test_a_speaker_from_another_meeting_is_refused(cast, chair, meeting):
    other = started_meeting(cast.board)
    (elsewhere,) = attend(other, cast.ivan)
    before = snapshot()
    response = chair.post(
        url(meeting, "console_note", meeting.current_item_id),
        {"text": "Ivan: here", "speaker": str(elsewhere.pk)},
        headers=HTMX,
    )
    assert response.status_code == 422 and "not at this meeting" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("name", ["", "   ", "\u200b", ".", "-- --", "x" * 151])
def test_a_guest_needs_a_name_the_record_can_show(chair, meeting, name):
    before = snapshot()
    response = chair.post(url(meeting, "console_guest"), {"name": name}, headers=HTMX)
    assert response.status_code == 422
    assert snapshot() == before


def test_naming_someone_of_another_board_is_404_and_says_nothing_of_them(cast, chair, meeting):
    before = snapshot()
    response = chair.post(
        url(meeting, "console_attendance"), {"person": cast.olga.pk, "status": "present"}
    )
    assert response.status_code == 404
    assert "Olga" not in response.text
    assert snapshot() == before


def test_a_member_whose_seat_ended_before_the_meeting_is_asked_to_be_a_guest(cast, chair, meeting):
    former = UserFactory(full_name="Fred Former", email="fred@example.org")
    SeatFactory(
        board=cast.board,
        person=former,
        organisation=cast.initech,
        role=Role.VOTING,
        starts_on=dt.date(2000, 1, 1),
        ends_on=dt.date(2001, 1, 1),
    )
    before = snapshot()
    response = chair.post(
        url(meeting, "console_attendance"), {"person": former.pk, "status": "present"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Fred Former holds no seat on Test Board" in response.text
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("console_attendance", {"person": HUGE, "status": "present"}),
        ("console_attendance", {"attendance": HUGE, "status": "left"}),
        ("console_open_item", {}),
        ("console_move_item", {"direction": "up"}),
        ("console_note", {"text": "hello"}),
        ("console_summary", {"summary": "s", "version": 0}),
    ],
)
def test_ids_that_name_nothing_are_404(chair, meeting, name, data):
    args = [] if name == "console_attendance" else [HUGE]
    before = snapshot()
    response = chair.post(url(meeting, name, *args), data, headers=HTMX)
    assert response.status_code in (404, 422)
    if name != "console_attendance" or "person" in data:
        assert response.status_code == 404
    assert snapshot() == before


def test_a_meeting_id_too_big_for_the_database_is_404(cast, chair):
    path = reverse("meetings:meeting_detail", args=[cast.board.slug, 1]).replace("/1/", f"/{HUGE}/")
    assert chair.get(path).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"text": "a\x00b"},
        {"text": "x" * 5001},
        {"text": "Victor:"},
    ],
)
def test_notes_with_nul_too_long_or_only_a_name_are_refused(chair, meeting, data):
    before = snapshot()
    response = chair.post(url(meeting, "console_note", meeting.current_item_id), data, headers=HTMX)
    assert response.status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("version", [HUGE, "-1", "1.5", ""])
def test_summary_with_a_version_never_issued_saves_nothing(chair, meeting, version):
    item = meeting.current_item
    response = chair.post(
        url(meeting, "console_summary", item.pk),
        {"summary": "Mine", "version": version},
        headers=HTMX,
    )
    assert response.status_code in (409, 422)
    item.refresh_from_db()
    assert item.summary == "" and item.summary_version == 0


def test_an_empty_edit_form_says_what_is_missing(cast, chair, meeting):
    response = chair.post(url(meeting, "item_edit", meeting.current_item_id), {})
    assert response.status_code == 422
    assert "Check the fields marked below." in response.text
    assert "This field is required." in response.text


def test_an_unknown_console_piece_gives_the_whole_console(chair, meeting):
    response = chair.get(url(meeting, "live_console"), {"piece": "x" * 3000}, headers=HTMX)
    assert response.status_code == 200 and response.text.lstrip().startswith('<div id="console"')


@pytest.mark.parametrize("name", ["console_start", "console_adjourn"])
def test_starting_an_adjourned_or_adjourning_a_scheduled_meeting_is_refused(cast, chair, name):
    meeting = MeetingFactory(board=cast.board)
    AgendaItemFactory(meeting=meeting)
    if name == "console_start":
        services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
        services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    before = (snapshot(), Meeting.objects.get(pk=meeting.pk).status)
    response = chair.post(url(meeting, name), headers=HTMX)
    # An adjourned record is closed (409); a scheduled meeting cannot adjourn (422).
    assert response.status_code == (409 if name == "console_start" else 422)
    assert ("record is closed" if name == "console_start" else "Only a meeting in progress") in (
        response.text
    )
    assert (snapshot(), Meeting.objects.get(pk=meeting.pk).status) == before


@pytest.mark.parametrize(("position", "direction"), [(0, "up"), (1, "down")])
def test_moving_an_item_past_either_end_is_refused(chair, meeting, position, direction):
    item = meeting.items.in_order()[position]
    before = list(meeting.items.in_order().values_list("pk", "position"))
    response = chair.post(
        url(meeting, "console_move_item", item.pk), {"direction": direction}, headers=HTMX
    )
    assert response.status_code == 422
    assert "already first" in response.text or "already last" in response.text
    assert list(meeting.items.in_order().values_list("pk", "position")) == before
