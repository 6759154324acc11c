"""What may be shown outside the board: one rule for items and notes, asked the same way in
Python and in the database."""

import datetime as dt

import pytest

from meetings.models import AgendaItem, Note, is_public_at
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, NoteFactory

ENDS = dt.datetime(2014, 6, 2, 23, 0, tzinfo=dt.UTC)
JUST_BEFORE = ENDS - dt.timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("board_only", "embargo_until", "at", "public"),
    [
        (False, None, JUST_BEFORE, True),
        (True, None, ENDS + dt.timedelta(days=999), False),
        (False, ENDS, JUST_BEFORE, False),
        (False, ENDS, ENDS, True),
        (True, ENDS, ENDS + dt.timedelta(days=1), False),
    ],
)
def test_public_only_when_not_board_only_and_embargo_over(board_only, embargo_until, at, public):
    assert is_public_at(board_only=board_only, embargo_until=embargo_until, at=at) is public


@pytest.mark.parametrize(("at", "expected"), [(JUST_BEFORE, {"Open"}), (ENDS, {"Open", "News"})])
def test_item_queryset_agrees_with_the_rule(cast, at, expected):
    meeting = MeetingFactory(board=cast.board)
    AgendaItemFactory(meeting=meeting, title="Open")
    AgendaItemFactory(meeting=meeting, title="News", embargo_until=ENDS)
    AgendaItemFactory(meeting=meeting, title="Secret", board_only=True)
    public = set(AgendaItem.objects.public_at(at).values_list("title", flat=True))
    assert public == expected
    assert {i.title for i in meeting.items.all() if i.is_public_at(at)} == expected


def test_note_is_hidden_by_its_own_marks_or_its_items(cast):
    meeting = MeetingFactory(board=cast.board)
    open_item = AgendaItemFactory(meeting=meeting)
    closed_item = AgendaItemFactory(meeting=meeting, embargo_until=ENDS)
    author = cast.sam
    NoteFactory(item=open_item, text="plain", author=author)
    NoteFactory(item=open_item, text="own embargo", author=author, embargo_until=ENDS)
    NoteFactory(item=open_item, text="board only", author=author, board_only=True)
    NoteFactory(item=closed_item, text="item embargo", author=author)
    before = set(Note.objects.public_at(JUST_BEFORE).values_list("text", flat=True))
    after = set(Note.objects.public_at(ENDS).values_list("text", flat=True))
    assert before == {"plain"}
    assert after == {"plain", "own embargo", "item embargo"}


def test_item_form_sets_an_embargo_moment_in_the_viewers_zone(cast, client_for):
    from django.urls import reverse

    meeting = MeetingFactory(board=cast.board)
    item = AgendaItemFactory(meeting=meeting, title="News")
    edit = reverse("meetings:item_edit", args=[cast.board.slug, meeting.pk, item.pk])
    response = client_for(cast.alice).post(
        edit, {"title": "News", "kind": "information", "embargo_until": "2030-06-03T09:30"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    local = item.embargo_until.astimezone(cast.board.zone)
    assert (local.date(), local.hour, local.minute) == (dt.date(2030, 6, 3), 9, 30)
    form = client_for(cast.alice).get(edit).text
    assert 'value="2030-06-03T09:30"' in form
