"""Hostile input to every meetings form and htmx endpoint (issue 13, point 9), as the chair:
random and hostile text, huge strings, controls and overrides, markup, negative and enormous
numbers, malformed dates, times and ids, missing fields.

Each answer is never a 500; a refusal (4xx) leaves nothing behind (no row, no audit entry, no
version bump); an acceptance adds at most the one row it was for, and what the chair typed reads
back escaped on the console.
Run on both databases: DATABASE_URL=postgres://... selects PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import AuditEntry
from meetings import services
from meetings.models import AgendaItem, Attendance, Correction, Meeting, Note
from tests.meetings.factories import attend, started_meeting
from tests.security.test_hostile_text import FUZZ, HOSTILE

pytestmark = pytest.mark.django_db

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "-1", "1e9", "NaN", "inf", "0x10", " 7 ", "٣", "1.5", ""]),
)
DATES = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2026-02-30", "0000-00-00", "9999-12-31", "31/12/2026", "yesterday", ""]),
)
TIMES = st.sampled_from(["16:00", "24:00", "23:59:59", "-1:00", "7pm", "16:60", "", "00:00"])
ANY = st.one_of(HOSTILE, NUMBERS, DATES)
# Fewer examples than the text fuzzing: each is a full request through the console.
FUZZ = settings(FUZZ, max_examples=25)
# A field sent, or left out altogether.
MAYBE = st.one_of(st.none(), ANY)


def form(**fields):
    """Drop the fields hypothesis chose to leave out."""
    return {name: value for name, value in fields.items() if value is not None}


def counts(meeting: Meeting) -> tuple:
    meeting.refresh_from_db()
    return (
        Note.objects.filter(item__meeting=meeting).count(),
        Attendance.objects.filter(meeting=meeting).count(),
        AgendaItem.objects.filter(meeting=meeting).count(),
        Meeting.objects.count(),
        Correction.objects.count(),
        AuditEntry.objects.count(),
        meeting.live_version,
    )


@pytest.fixture
def chair(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.alice)
    return client


@pytest.fixture
def live(cast):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, at=meeting.started_at)
    return meeting


@pytest.fixture
def adjourned(cast):
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    attend(meeting, cast.victor, at=meeting.started_at)
    services.note_record(item=meeting.current_item, text="Agreed", author=cast.alice)
    return services.meeting_adjourn(meeting=meeting, actor=cast.alice)


def post(client, meeting, url, data, *, htmx=True, added_at_most=1):
    before = counts(meeting)
    response = client.post(url, data, headers={"HX-Request": "true"} if htmx else {})
    after = counts(meeting)
    assert response.status_code < 500, (url, data, response.status_code)
    if response.status_code >= 400:
        assert after == before, ("a refusal left something behind", url, data)
    else:
        grown = [b - a for a, b in zip(before[:5], after[:5], strict=True)]
        assert all(0 <= change <= added_at_most for change in grown), (url, data, grown)
    assert "<script>alert(1)</script>" not in response.content.decode("utf-8", "replace")
    return response


def console(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


@FUZZ
@given(text=HOSTILE, speaker=MAYBE, board_only=MAYBE)
def test_a_note(chair, live, text, speaker, board_only):
    url = console(live, "console_note", live.current_item_id)
    post(chair, live, url, form(text=text, speaker=speaker, board_only=board_only))


@FUZZ
@given(name=HOSTILE, organisation=MAYBE, submission=MAYBE)
def test_a_guest(chair, live, name, organisation, submission):
    data = form(name=name, organisation=organisation, submission=submission)
    post(chair, live, console(live, "console_guest"), data)


@FUZZ
@given(title=HOSTILE, description=MAYBE, kind=MAYBE, minutes=MAYBE, submission=MAYBE)
def test_an_agenda_item_from_the_console(
    chair, live, title, description, kind, minutes, submission
):
    data = form(
        title=title,
        description=description,
        kind=kind,
        planned_minutes=minutes,
        submission=submission,
    )
    post(chair, live, console(live, "console_add_item"), data)


@FUZZ
@given(summary=HOSTILE, version=MAYBE)
def test_a_summary(chair, live, summary, version):
    url = console(live, "console_summary", live.current_item_id)
    post(chair, live, url, form(summary=summary, version=version))


@FUZZ
@given(person=MAYBE, attendance=MAYBE, status=MAYBE)
def test_the_roll_call(chair, live, person, attendance, status):
    data = form(person=person, attendance=attendance, status=status)
    post(chair, live, console(live, "console_attendance"), data)


@FUZZ
@given(item=st.one_of(NUMBERS, HOSTILE))
def test_an_item_id_that_is_not_one(chair, live, item):
    """Ids come from the path as ints; hostile ones go to the body of the other endpoints."""
    url = console(live, "console_next_item")
    post(chair, live, url, form(item=item))


@FUZZ
@given(title=HOSTILE, kind=MAYBE, minutes=MAYBE, description=MAYBE, presenter=MAYBE)
def test_editing_an_agenda_item(chair, live, title, kind, minutes, description, presenter):
    item = live.items.in_order().last()
    url = reverse("meetings:item_edit", args=[live.board.slug, live.pk, item.pk])
    data = form(
        title=title,
        kind=kind,
        planned_minutes=minutes,
        description=description,
        presenter=presenter,
    )
    post(chair, live, url, data, htmx=False, added_at_most=0)


@settings(FUZZ, max_examples=30)
@given(
    title=HOSTILE,
    kind=MAYBE,
    date=DATES,
    time=st.one_of(st.none(), TIMES),
    ends=st.one_of(st.none(), TIMES),
    location=MAYBE,
    dial_in=MAYBE,
)
def test_scheduling_a_meeting(chair, cast, live, title, kind, date, time, ends, location, dial_in):
    url = reverse("meetings:meeting_schedule", args=[cast.board.slug])
    data = form(
        title=title,
        kind=kind,
        date=date,
        time=time,
        ends=ends,
        location=location,
        dial_in=dial_in,
    )
    before = Meeting.objects.count()
    response = chair.post(url, data)
    assert response.status_code < 500, (data, response.status_code)
    added = Meeting.objects.count() - before
    assert added == (1 if response.status_code == 302 else 0), (data, response.status_code)


@FUZZ
@given(text=HOSTILE, reason=HOSTILE, confirm=MAYBE)
def test_correcting_a_note_after_adjournment(chair, adjourned, text, reason, confirm):
    note = Note.objects.filter(item__meeting=adjourned).get()
    url = reverse("meetings:correct_note", args=[adjourned.board.slug, adjourned.pk, note.pk])
    post(chair, adjourned, url, form(text=text, reason=reason, confirm=confirm), htmx=False)


@FUZZ
@given(status=MAYBE, reason=HOSTILE, confirm=MAYBE)
def test_correcting_attendance_after_adjournment(chair, adjourned, status, reason, confirm):
    attendance = Attendance.objects.filter(meeting=adjourned).first()
    url = reverse(
        "meetings:correct_attendance", args=[adjourned.board.slug, adjourned.pk, attendance.pk]
    )
    post(chair, adjourned, url, form(status=status, reason=reason, confirm=confirm), htmx=False)


def test_the_console_refuses_a_huge_note_in_words(chair, live):
    url = console(live, "console_note", live.current_item_id)
    response = post(chair, live, url, {"text": "Ada " * 250_000})
    assert response.status_code == 422
    assert "characters" in response.content.decode()


def test_scheduling_refuses_an_impossible_date_in_words(chair, cast, live):
    url = reverse("meetings:meeting_schedule", args=[cast.board.slug])
    before = Meeting.objects.count()
    response = chair.post(url, {"title": "March", "kind": "regular", "date": "2026-02-30"})
    assert response.status_code == 422
    assert "date" in response.content.decode().lower()
    assert Meeting.objects.count() == before
    assert dt.date(2026, 2, 28)  # (the form's own date check decides; nothing is guessed)
