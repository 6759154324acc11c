"""Changes that race: one intent moves the meeting once, a note never lands after adjournment,
and the lock a recorder takes is on the meeting alone."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.errors import InvalidAgendaChange, MeetingNotOpen
from meetings.models import AgendaItem, Meeting, Note
from tests.meetings.factories import MeetingFactory, started_meeting

HTMX = {"HX-Request": "true"}


def next_url(meeting):
    return reverse("meetings:console_next_item", args=[meeting.board.slug, meeting.pk])


@pytest.mark.django_db
def test_a_double_click_on_next_item_moves_one_item(cast, client_for):
    meeting = started_meeting(cast.board, with_items=3, actor=cast.alice)
    seen = meeting.current_item_id
    client = client_for(cast.alice)
    first = client.post(next_url(meeting), {"after": seen}, headers=HTMX)
    version = Meeting.objects.get(pk=meeting.pk).live_version
    second = client.post(next_url(meeting), {"after": seen}, headers=HTMX)
    assert first.status_code == 200
    assert second.status_code == 422
    assert "already moved on to “Item 2”" in second.text
    meeting.refresh_from_db()
    assert meeting.current_item.title == "Item 2"
    assert meeting.live_version == version
    assert AgendaItem.objects.get(title="Item 3").started_at is None


@pytest.mark.django_db
def test_next_item_without_what_was_seen_still_moves_on(cast, client_for):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    response = client_for(cast.alice).post(next_url(meeting), {"after": "x"}, headers=HTMX)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.current_item.title == "Item 2"


@pytest.mark.django_db
def test_the_console_next_button_carries_the_item_the_chair_sees(cast, client_for):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    text = (
        client_for(cast.alice)
        .get(reverse("meetings:live_console", args=[cast.board.slug, meeting.pk]))
        .text
    )
    assert f'name="after" value="{meeting.current_item_id}"' in text
    assert 'hx-sync="this:drop"' in text  # a second Enter while saving is not a second note


@pytest.mark.django_db
def test_a_note_never_lands_after_an_adjournment_it_did_not_see(cast):
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    item = AgendaItem.objects.get(meeting=meeting)
    item.meeting = Meeting.objects.get(pk=meeting.pk)  # the recorder's view: in progress
    services.meeting_adjourn(meeting=Meeting.objects.get(pk=meeting.pk), actor=cast.sam)
    with pytest.raises(MeetingNotOpen):
        services.note_record(item=item, text="Too late", author=cast.alice)
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_recorder_locks_the_meeting_and_not_the_board(cast):
    meeting = MeetingFactory(board=cast.board)
    with CaptureQueriesContext(connection) as queries:
        services.meeting_start(meeting=meeting, actor=cast.alice, at=meeting.starts_at)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if not connection.features.has_select_for_update:
        assert locking == []
        return
    assert locking and all('FOR UPDATE OF "meetings_meeting"' in sql for sql in locking)


def race(*calls):
    """Run each call in its own thread and connection at once; return what each raised or gave."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_recorders_pressing_next_at_once_move_the_meeting_one_item(cast):
    meeting = started_meeting(cast.board, with_items=3, actor=cast.alice)
    seen = meeting.current_item_id

    def press(actor):
        return lambda: services.agenda_next_item(
            meeting=Meeting.objects.get(pk=meeting.pk), actor=actor, after=seen
        )

    results = race(press(cast.alice), press(cast.sam))
    assert sum(isinstance(r, AgendaItem) for r in results) == 1
    assert sum(isinstance(r, InvalidAgendaChange) for r in results) == 1
    assert Meeting.objects.get(pk=meeting.pk).current_item.title == "Item 2"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_start_the_meeting_once(cast):
    meeting = MeetingFactory(board=cast.board)

    def start(actor):
        return lambda: services.meeting_start(
            meeting=Meeting.objects.get(pk=meeting.pk), actor=actor, at=meeting.starts_at
        )

    results = race(start(cast.alice), start(cast.sam))
    assert sum(isinstance(r, Meeting) for r in results) == 1
    assert sum(isinstance(r, MeetingNotOpen) for r in results) == 1
