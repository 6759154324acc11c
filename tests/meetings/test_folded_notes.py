"""A long record folds its notes: past FOLD_NOTES_OVER notes in all, the meeting page shows each
item's notes as a closed <details> with their count (the current item's open), and loads them
from the item's notes URL when opened; so the page does not grow with the notes."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from meetings.queries import FOLD_NOTES_OVER
from meetings.views import live_url_for
from tests.meetings.factories import MeetingFactory, NoteFactory, started_meeting

HTMX = {"HX-Request": "true"}


def long_meeting(cast, items, notes_each) -> Meeting:
    meeting = started_meeting(cast.board, with_items=items, actor=cast.alice)
    for item in meeting.items.all():
        NoteFactory.create_batch(
            notes_each, item=item, author=cast.sam, text=f"Said under {item.title}."
        )
    return Meeting.objects.get(pk=meeting.pk)


def page_url(meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.board.slug, meeting.pk])


def notes_url(meeting, item) -> str:
    return reverse("meetings:item_notes", args=[meeting.board.slug, meeting.pk, item.pk])


def test_a_long_record_folds_every_items_notes_but_the_current_ones(cast, client_for):
    meeting = long_meeting(cast, items=21, notes_each=10)
    assert FOLD_NOTES_OVER < 21 * 10
    page = client_for(cast.victor).get(page_url(meeting)).content.decode()
    current = meeting.current_item
    assert page.count('class="note"') == 10  # the current item's, shown
    assert page.count("Said under") == 10 and f"Said under {current.title}." in page
    assert page.count('<details class="item-notes"') == 20
    other = meeting.items.exclude(pk=current.pk).first()
    assert notes_url(meeting, other) in page
    assert re.search(r"<summary>Notes <span[^>]*>10</span></summary>", page)


def test_a_short_record_shows_every_note(cast, client_for):
    meeting = long_meeting(cast, items=3, notes_each=2)
    page = client_for(cast.victor).get(page_url(meeting)).content.decode()
    assert page.count('class="note"') == 6 and "item-notes" not in page


def test_the_folded_page_does_not_grow_with_the_notes(cast, client_for):
    sizes, counts = [], []
    for notes_each in (10, 20):
        meeting = long_meeting(cast, items=21, notes_each=notes_each)
        client = client_for(cast.victor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_url(meeting))
        assert response.status_code == 200
        counts.append(len(queries))
        # The page differs only in the counts and the current item's notes.
        current = meeting.current_item
        stream = re.search(r'<ol class="note-stream".*?</ol>', response.text, re.S)[0]
        sizes.append(len(response.content) - len(stream))
        assert current.notes.count() == notes_each
    assert counts[0] == counts[1]
    assert abs(sizes[1] - sizes[0]) < 200


def test_an_items_notes_load_for_members_in_order(cast, client_for, django_assert_num_queries):
    meeting = long_meeting(cast, items=21, notes_each=10)
    item = meeting.items.exclude(pk=meeting.current_item_id).first()
    url = notes_url(meeting, item)
    client = client_for(cast.nora)  # a non-voting member reads the record
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text and response.text.count('class="note"') == 10
    assert f"Said under {item.title}." in response.text
    # Without JavaScript the link is a page of its own, back to the record.
    page = client.get(url)
    assert "<html" in page.text and page.text.count('class="note"') == 10
    assert page_url(meeting) in page.text


@pytest.mark.parametrize("notes_each", [2, 40])
def test_an_items_notes_cost_a_fixed_number_of_queries(cast, client_for, notes_each):
    meeting = long_meeting(cast, items=1, notes_each=notes_each)
    client = client_for(cast.victor)
    url = notes_url(meeting, meeting.items.get())
    client.get(url, headers=HTMX)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers=HTMX).status_code == 200
    assert len(queries) <= 7, [q["sql"] for q in queries.captured_queries]


def test_an_items_notes_are_not_there_for_outsiders_or_another_meeting(cast, client_for):
    meeting = long_meeting(cast, items=2, notes_each=1)
    item = meeting.items.first()
    outsider = client_for(cast.olga).get(notes_url(meeting, item))
    assert outsider.status_code == 404 and "Said under" not in outsider.text
    other = started_meeting(cast.board, with_items=1, actor=cast.alice)
    wrong = client_for(cast.victor).get(
        reverse("meetings:item_notes", args=[cast.board.slug, other.pk, item.pk])
    )
    assert wrong.status_code == 404
    anonymous = client_for().get(notes_url(meeting, item))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_an_unpublished_agendas_notes_are_the_recorders_only(cast, client_for):
    meeting = MeetingFactory(board=cast.board)  # scheduled, agenda not published
    item = services.agenda_item_add(
        meeting=meeting, details=services.ItemDetails(title="Draft item"), actor=cast.alice
    )
    assert client_for(cast.victor).get(notes_url(meeting, item)).status_code == 404
    assert client_for(cast.alice).get(notes_url(meeting, item)).status_code == 200


def test_a_note_on_the_current_item_of_a_folded_record_travels_alone(cast, client_for):
    meeting = long_meeting(cast, items=21, notes_each=10)
    client = client_for(cast.victor)
    url = live_url_for(meeting)
    assert client.get(url, {"v": 0}).status_code == 200
    known = meeting.live_version
    note = services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    text = client.get(url, {"v": known}).text
    assert f'data-live-notes="{meeting.current_item.anchor}"' in text
    assert re.findall(r'data-note="(\d+)"', text) == [str(note.pk)]
