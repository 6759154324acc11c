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
    them (bench/middleware.py): every statement a cursor executes, from the session on. (A
    PostgreSQL transaction's BEGIN and COMMIT are no statements there; SQLite's BEGIN is.)"""
    sent: list[str] = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.post(path, data, headers=HTMX)
    import os, sys
    if os.environ.get("SHOW_COUNTS"): sys.stderr.write(f"\nCOUNT {path} {len(sent)} sent {len(response.content)} bytes\n" + ("\n".join("   " + q[:110] for q in sent) if os.environ.get("SHOW_COUNTS") == "2" else "") + "\n")
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


def notes_in(html: str) -> list[str]:
    return re.findall(r'<li class="note[^"]*" id="note-(\d+)"', html)


@pytest.mark.parametrize("notes", [2, 1000])
def test_a_note_answers_only_itself_in_ten_statements(cast, chair, notes):
    meeting = meeting_with(cast, notes=notes)
    item = meeting.current_item
    response, statements = post(
        chair,
        url(meeting, "console_note", item.pk),
        {"text": "Bench note: agreed.", "speaker": "none"},
    )
    assert response.status_code == 200
    note = Note.objects.latest("pk")
    assert note.text == "Bench note: agreed."
    assert notes_in(response.text) == [str(note.pk)]
    assert len(response.content) < 4000, len(response.content)
    assert len(statements) <= MOST, "\n".join(statements)


@pytest.mark.parametrize("notes", [2, 1000])
def test_a_note_naming_its_speaker_answers_in_ten_statements(cast, chair, notes):
    meeting = meeting_with(cast, notes=notes)
    response, statements = post(
        chair, url(meeting, "console_note", meeting.current_item_id), {"text": "Victor: fine"}
    )
    assert response.status_code == 200
    note = Note.objects.select_related("speaker").latest("pk")
    assert note.speaker.person == cast.victor
    assert notes_in(response.text) == [str(note.pk)]
    assert "Victor:" in response.text
    assert len(statements) <= MOST, "\n".join(statements)


@pytest.mark.parametrize("seated", [0, 40])
@pytest.mark.parametrize("status", ["absent", "present"])
def test_an_attendance_answers_its_row_and_the_quorum_in_ten_statements(
    cast, chair, seated, status
):
    meeting = meeting_with(cast, notes=1000, seated=seated)
    if status == "present":
        services.attendance_mark(
            meeting=meeting, person=cast.victor, status="absent", actor=cast.alice
        )
    response, statements = post(
        chair, url(meeting, "console_attendance"), {"person": cast.victor.pk, "status": status}
    )
    assert response.status_code == 200
    assert Attendance.objects.get(meeting=meeting, person=cast.victor).status == status
    assert f'id="roll-p{cast.victor.pk}"' in response.text
    assert "data-quorum" in response.text
    # Greta's row is not sent again.
    assert f'id="roll-p{cast.greta.pk}"' not in response.text
    assert len(statements) <= MOST, "\n".join(statements)


@pytest.mark.parametrize("notes", [2, 1000])
def test_next_item_answers_in_ten_statements(cast, chair, notes):
    meeting = meeting_with(cast, notes=notes)
    first = meeting.current_item
    response, statements = post(chair, url(meeting, "console_next_item"), {"after": first.pk})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.current_item.position == 2
    assert AuditEntry.objects.filter(action="agenda_item.open").exists()
    assert notes_in(response.text) == []  # the item left behind is not sent again
    assert len(response.content) < 12_000, len(response.content)
    assert len(statements) <= MOST, "\n".join(statements)


@pytest.mark.parametrize("notes", [2, 1000])
def test_opening_an_item_answers_in_ten_statements(cast, chair, notes):
    meeting = meeting_with(cast, notes=notes)
    third = meeting.items.get(position=3)
    response, statements = post(chair, url(meeting, "console_open_item", third.pk), {})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.current_item == third
    assert notes_in(response.text) == []
    assert len(response.content) < 12_000, len(response.content)
    assert len(statements) <= MOST, "\n".join(statements)
