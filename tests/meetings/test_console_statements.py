"""The chair's writes in the live console, counted as the benchmark counts them (issue 14).

Each request goes through the whole middleware stack as the chair's browser sends it (htmx
headers, a session that gave a second factor), in a transaction of its own as in production:
every statement counts, the session, the user and the second-factor device included. Each chair
action answers in at most 10 statements, the same number at 2 and at 1,000 notes on the item
(and with 2 or 42 people on the roll), and its answer is the piece that changed, not the stream
of the item's notes or the whole roll.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from governance.models import AuditEntry, Role
from meetings import services
from meetings.errors import InvalidAgendaChange
from meetings.models import Attendance, Meeting, Note
from tests.factories import SEATED_FROM, SeatFactory, UserFactory
from tests.meetings.factories import attend, started_meeting

pytestmark = pytest.mark.django_db(transaction=True)

HTMX = {"HX-Request": "true"}
# The target, for every chair action: everything the request sends to the database.
MOST = 10


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


@pytest.fixture
def chair(cast, client_for):
    """Alice's browser as the benchmark makes it: signed in, with a second factor given."""
    client = client_for(cast.alice)
    device = StaticDevice.objects.create(user=cast.alice, name="console", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def post(client, path, data):
    """The response and the statements it sent, counted as the benchmark's middleware counts
    them on PostgreSQL (bench/middleware.py): every statement a cursor executes, from the
    session on. A transaction's BEGIN is no statement there; SQLite sends one (BEGIN
    IMMEDIATE), which is left out here so that both databases are held to the same count."""
    sent: list[str] = []

    def count(execute, sql, params, many, context):
        if not sql.startswith("BEGIN"):
            sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.post(path, data, headers=HTMX)
    return response, sent


def meeting_with(cast, *, notes=2, seated=0):
    """A meeting in progress on its first of three items, which has `notes` notes; Victor and
    Greta present, and `seated` more voting members seated on the board (and present)."""
    meeting = started_meeting(cast.board, with_items=3, actor=cast.alice)
    people = [cast.victor, cast.greta]
    for index in range(seated):
        person = UserFactory(full_name=f"Member {index:02d}", email=f"m{index}@example.org")
        SeatFactory(board=cast.board, person=person, role=Role.MEMBER, starts_on=SEATED_FROM)
        people.append(person)
    attendances = attend(meeting, *people, actor=cast.alice)
    meeting = Meeting.objects.get(pk=meeting.pk)
    Note.objects.bulk_create(
        Note(
            item=meeting.current_item,
            text=f"Statement number {number}.",
            speaker=attendances[number % 2],
            author=cast.sam,
            recorded_at=meeting.started_at,
        )
        for number in range(notes)
    )
    return meeting


def same_size(response, other) -> bool:
    """The same answer but for ids, times, counts and CSRF tokens. Digits are left out of the
    comparison: ids that pass from one digit to two (items 7, 8, 9 in one meeting, 10, 11, 12 in
    the next, depending on what ran before) lengthen every link to them."""

    def shape(answer) -> int:
        return len(re.sub(r"\d+", "", re.sub(r'value="[A-Za-z0-9]{40,}"', "", answer.text)))

    return abs(shape(response) - shape(other)) <= 20


def notes_in(html: str) -> list[str]:
    return re.findall(r'<li class="note[^"]*" id="note-(\d+)"', html)


def note(cast, client, notes, text="Bench note: agreed.", **extra):
    meeting = meeting_with(cast, notes=notes)
    path = url(meeting, "console_note", meeting.current_item_id)
    return meeting, *post(client, path, {"text": text, **extra})


def test_a_note_answers_only_itself_in_ten_statements_however_long_the_stream(cast, chair):
    _, small, few = note(cast, chair, 2, speaker="none")
    meeting, response, statements = note(cast, chair, 1000, speaker="none")
    assert response.status_code == 200
    saved = Note.objects.filter(item__meeting=meeting).latest("pk")
    assert saved.text == "Bench note: agreed." and saved.speaker is None
    assert notes_in(response.text) == [str(saved.pk)]
    # The note box comes afresh, out of band; nothing else.
    assert 'id="note-form"' in response.text and 'hx-swap-oob="true"' in response.text
    assert same_size(response, small) and len(response.content) < 4000
    assert len(statements) == len(few) <= MOST, "\n".join(statements)


def test_a_note_naming_its_speaker_answers_in_ten_statements(cast, chair):
    _, _, few = note(cast, chair, 2, text="Victor: fine")
    meeting, response, statements = note(cast, chair, 1000, text="Victor: fine")
    assert response.status_code == 200
    saved = Note.objects.filter(item__meeting=meeting).select_related("speaker").latest("pk")
    assert saved.speaker.person == cast.victor and saved.text == "fine"
    assert notes_in(response.text) == [str(saved.pk)]
    assert "Victor:</strong> fine" in response.text
    assert len(statements) == len(few) <= MOST, "\n".join(statements)


def test_a_refused_note_comes_back_in_its_box_and_stores_nothing(cast, chair):
    meeting, response, _ = note(cast, chair, 1000, text="Zed: who is this")
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#note-form"
    assert "Nobody present answers to “Zed”" in response.text
    assert "Zed: who is this</textarea>" in response.text
    assert notes_in(response.text) == []
    assert Note.objects.filter(item__meeting=meeting).count() == 1000


def test_a_note_without_javascript_is_saved_and_redirected(cast, chair):
    meeting = meeting_with(cast)
    response = chair.post(url(meeting, "console_note", meeting.current_item_id), {"text": "Hi"})
    assert response.status_code == 302
    assert response["Location"] == url(meeting, "live_console")
    assert Note.objects.filter(item__meeting=meeting, text="Hi").exists()


def test_each_write_takes_the_meetings_lock_before_anything_else(cast, chair):
    """The row lock (the version's UPDATE) comes first, before any write it guards."""
    meeting = meeting_with(cast)
    for path, data in (
        (url(meeting, "console_note", meeting.current_item_id), {"text": "A note"}),
        (url(meeting, "console_attendance"), {"person": cast.victor.pk, "status": "absent"}),
        (url(meeting, "console_next_item"), {"after": meeting.current_item_id}),
    ):
        response, statements = post(chair, path, data)
        assert response.status_code == 200, response.text
        writes = [sql for sql in statements if not sql.startswith("SELECT")]
        assert writes[0].startswith('UPDATE "meetings_meeting" SET "live_version"'), writes


def attendance(cast, client, *, seated, status):
    meeting = meeting_with(cast, notes=1000, seated=seated)
    if status == "present":
        services.attendance_mark(
            meeting=meeting, person=cast.victor, status="absent", actor=cast.alice
        )
    path = url(meeting, "console_attendance")
    return meeting, *post(client, path, {"person": cast.victor.pk, "status": status})


@pytest.mark.parametrize("status", ["absent", "present"])
def test_an_attendance_answers_its_line_and_the_quorum_in_ten_statements(cast, chair, status):
    _, small, few = attendance(cast, chair, seated=0, status=status)
    meeting, response, statements = attendance(cast, chair, seated=40, status=status)
    assert response.status_code == 200
    assert Attendance.objects.get(meeting=meeting, person=cast.victor).status == status
    assert response.text.lstrip().startswith('<li class="roll-entry')
    assert f'id="roll-row-p{cast.victor.pk}"' in response.text
    assert 'id="roll-head" class="roll-head" hx-swap-oob="true"' in response.text
    # Greta (present throughout) is not sent again, nor anyone else.
    assert f'id="roll-row-p{cast.greta.pk}"' not in response.text
    assert "Member 00" not in response.text
    expected = "Quorate: 2 of 2 required" if status == "present" else "1 organisation short"
    assert expected in response.text
    assert same_size(response, small) and len(response.content) < 3000
    assert len(statements) == len(few) <= MOST, "\n".join(statements)


def test_a_refused_attendance_says_why_over_the_roll(cast, chair):
    meeting = meeting_with(cast)
    response, _ = post(
        chair, url(meeting, "console_attendance"), {"person": cast.victor.pk, "status": "back"}
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#roll"
    assert "Mark them present first." in response.text


def test_a_first_mark_and_a_departure_stay_few(cast, chair):
    """Not the benchmark's clicks: counted so that they do not grow, and within ten. A first
    mark finds the person named and their seat on the day in the query that finds the
    recorder's own seats (governance.access.get_board_and_seats_of)."""
    counts = []
    for seated in (0, 40):
        meeting = meeting_with(cast, seated=seated)
        response, first = post(
            chair, url(meeting, "console_attendance"), {"person": cast.ivan.pk, "status": "present"}
        )
        assert response.status_code == 200 and "Ivan Initech" in response.text
        victor = Attendance.objects.get(meeting=meeting, person=cast.victor)
        response, departure = post(
            chair, url(meeting, "console_attendance"), {"attendance": victor.pk, "status": "left"}
        )
        assert response.status_code == 200 and "Left" in response.text
        counts.append((len(first), len(departure)))
    assert counts[0] == counts[1]
    assert counts[0][0] <= MOST and counts[0][1] <= 11, counts


def moving_on(cast, client, notes, name):
    meeting = meeting_with(cast, notes=notes)
    if name == "console_next_item":
        path, data = url(meeting, name), {"after": meeting.current_item_id}
    else:
        path, data = url(meeting, name, meeting.items.get(position=3).pk), {}
    return meeting, *post(client, path, data)


@pytest.mark.parametrize("name", ["console_next_item", "console_open_item"])
def test_moving_on_answers_in_ten_statements_however_long_the_stream(cast, chair, name):
    _, small, few = moving_on(cast, chair, 2, name)
    meeting, response, statements = moving_on(cast, chair, 1000, name)
    assert response.status_code == 200
    meeting.refresh_from_db()
    now = meeting.current_item
    assert now.position == (2 if name == "console_next_item" else 3)
    assert now.started_at is not None
    assert meeting.items.get(position=1).ended_at is not None
    assert AuditEntry.objects.filter(action="agenda_item.open", target_id=str(now.pk)).exists()
    text = response.text
    assert text.lstrip().startswith('<section id="current-col"')
    assert f'<h2 id="current-heading">{now.title}</h2>' in text
    assert notes_in(text) == []  # the item left behind is not sent again
    # The next "Next item" expects the item now open; the agenda marks it.
    assert f'name="after" value="{now.pk}"' in text
    assert 'id="agenda-list" class="agenda-list" hx-swap-oob="true"' in text
    # What grows with the item loads itself after.
    assert text.count('hx-trigger="load"') == 3
    assert same_size(response, small) and len(response.content) < 12_000
    assert len(statements) == len(few) <= MOST, "\n".join(statements)


def test_moving_on_from_a_stale_read_moves_one_item_only(cast, chair):
    """Read by the console, then moved on by a co-recorder before the chair's own "Next item"
    lands: the lock sees the meeting changed, reads it again, and refuses."""
    from meetings.access import get_meeting_to_record

    meeting = meeting_with(cast)
    first = meeting.current_item_id
    _, _, seen = get_meeting_to_record(cast.alice, cast.board.slug, meeting.pk)
    agenda = list(seen.items.in_order())
    services.agenda_next_item(meeting=Meeting.objects.get(pk=meeting.pk), actor=cast.sam)
    with pytest.raises(InvalidAgendaChange, match="already moved on"):
        services.agenda_next_item(meeting=seen, actor=cast.alice, after=first, agenda=agenda)
    meeting.refresh_from_db()
    assert meeting.current_item.position == 2


def test_marking_from_a_stale_read_decides_on_what_is_stored(cast, chair):
    from meetings.access import get_meeting_to_record
    from meetings.presence import roll_as_stored

    meeting = meeting_with(cast)
    _, _, seen = get_meeting_to_record(cast.alice, cast.board.slug, meeting.pk)
    roll = roll_as_stored(seen, person_id=cast.victor.pk)
    services.attendance_mark(
        meeting=Meeting.objects.get(pk=meeting.pk), person=cast.victor, status="absent",
        actor=cast.sam,
    )  # fmt: skip
    services.attendance_mark(
        meeting=seen, person=cast.victor, status="apologies", actor=cast.alice, roll=roll
    )
    entry = AuditEntry.objects.filter(action="attendance.mark").latest("pk")
    # From absent (as stored), not from present (as read): no stretches to remove.
    assert entry.changes == {"status": ["absent", "apologies"]}
    victor = next(each for each in roll if each.person_id == cast.victor.pk)
    assert victor.status == "apologies" and victor.presence == []


def test_a_line_that_becomes_an_action_answers_the_items_parts_and_a_fresh_box(cast, chair):
    meeting = meeting_with(cast)
    response, statements = post(
        chair,
        url(meeting, "console_note", meeting.current_item_id),
        {"text": "Action Victor: send the figures"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#item-parts"
    assert response.text.lstrip().startswith('<div id="item-parts"')
    assert "send the figures" in response.text
    assert 'id="note-form"' in response.text and notes_in(response.text) == []


def test_refreshing_the_items_parts_leaves_the_note_box_alone(cast, chair):
    """The console fetches the parts after moving on, and after a co-recorder's change."""
    meeting = meeting_with(cast)
    response = chair.get(url(meeting, "live_console"), {"piece": "sections"}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="item-parts"')
    assert 'id="note-form"' not in response.text
