"""A changed live poll (meetings/live_record.py, meetings/live_pass.py): rendered once per change
for everyone who sees the same record, answered from the shared cache in at most two queries
(the pass's one, and the cache read), and only with the blocks that changed."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from governance.access import acting_standing
from meetings import live_pass, live_record, services
from meetings.access import can_record
from meetings.models import Meeting
from meetings.services import ItemDetails
from meetings.views import live_url_for
from motions import services as motion_services
from motions.models import Method
from motions.services import MotionDetails
from tests.factories import UserFactory
from tests.meetings.factories import NoteFactory, attend, started_meeting


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def poll(client, meeting, version):
    return client.get(live_url_for(meeting), {"v": version})


def live_meeting(cast, items=3, notes=2) -> Meeting:
    meeting = started_meeting(cast.board, with_items=items, actor=cast.alice)
    for item in meeting.items.all():
        NoteFactory.create_batch(
            notes, item=item, author=cast.sam, text=f"Said under {item.title}."
        )
    return Meeting.objects.get(pk=meeting.pk)


def watching(meeting, *people) -> list[Client]:
    """Each person's page polls from before the meeting's version: the whole record (which
    renders this version for everyone) and the live pass."""
    clients = []
    for person in people:
        client = signed_in(person)
        response = poll(client, meeting, 0)
        assert response.status_code == 200 and "data-live-since" not in response.text
        assert live_pass.COOKIE in response.cookies
        clients.append(client)
    return clients


def note_ids(html: str) -> set[str]:
    return set(re.findall(r'data-note="(\d+)"', html))


def blocks(html: str) -> list[str]:
    return re.findall(r'<\w+ [^>]*\bid="([^"]+)"[^>]*\bdata-live-block', html)


# -- At most two queries, and no growth --------------------------------------------------------


@pytest.mark.parametrize(("items", "notes"), [(2, 1), (30, 10)])
def test_a_changed_poll_is_one_query_from_the_prepared_answer(
    cast, django_assert_num_queries, items, notes
):
    meeting = live_meeting(cast, items, notes)
    first, second = watching(meeting, cast.victor, cast.greta)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    assert poll(first, meeting, known).status_code == 200  # prepares it for the others
    with django_assert_num_queries(1):  # the pass's query; the answer is in the cache
        response = poll(second, meeting, known)
    assert response.status_code == 200
    assert "A new point" in response.text and "data-live-since" in response.text
    assert response["X-Live-Version"] == str(known + 1)
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def database_cache():
    """The shared cache in PostgreSQL's (or SQLite's) own table, as CACHE_URL=db://... sets."""
    settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "live_delta_cache",
        }
    }
    with override_settings(CACHES=settings):
        call_command("createcachetable", verbosity=0)
        yield


@pytest.mark.parametrize(("items", "notes"), [(2, 1), (30, 10)])
def test_with_the_database_cache_a_changed_poll_is_two_queries(
    cast, database_cache, django_assert_num_queries, items, notes
):
    meeting = live_meeting(cast, items, notes)
    first, second = watching(meeting, cast.victor, cast.greta)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    assert poll(first, meeting, known).status_code == 200
    with django_assert_num_queries(2):  # the pass's query and the cache table's row
        response = poll(second, meeting, known)
    assert response.status_code == 200 and "A new point" in response.text


def test_the_record_is_rendered_once_per_change_however_many_watch(cast, monkeypatch):
    meeting = live_meeting(cast)
    watchers = watching(meeting, cast.victor, cast.greta, cast.alan, cast.nora, cast.ivan)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    from meetings import views

    renders = []
    real = views.render_to_string
    monkeypatch.setattr(
        views, "render_to_string", lambda *args, **kw: renders.append(1) or real(*args, **kw)
    )
    for client in watchers:
        assert "A new point" in poll(client, meeting, known).text
    assert len(renders) == 1


def test_while_another_request_renders_the_poll_is_told_nothing_new_yet(
    cast, django_assert_num_queries
):
    meeting = live_meeting(cast)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    meeting.refresh_from_db()
    zone = live_record.zone_for(cast.victor.timezone, cast.board.timezone)
    variant = live_record.variant_of(zone, timezone.localdate(timezone=zone), False)
    cache.add(live_record.rendering_key(meeting.pk, meeting.live_version, variant), True)
    url = live_url_for(meeting)
    with django_assert_num_queries(1):
        response = client.get(url, {"v": known})
    assert response.status_code == 204 and response.content == b""
    assert response["X-Live-Version"] == str(known)  # the page asks again from where it is
    # Nor does a poll that goes the full way (a page's first) render it a second time.
    response = signed_in(cast.greta).get(url, {"v": known})
    assert response.status_code == 204 and response.content == b""
    cache.delete(live_record.rendering_key(meeting.pk, meeting.live_version, variant))
    assert "A new point" in signed_in(cast.greta).get(url, {"v": known}).text


# -- Only what changed ----------------------------------------------------------------------


def test_a_new_note_sends_only_itself(cast):
    meeting = live_meeting(cast, items=15, notes=10)  # short of folding (FOLD_NOTES_OVER)
    first, second = watching(meeting, cast.victor, cast.greta)
    whole = poll(signed_in(cast.nora), meeting, 0).text
    known = meeting.live_version
    current = meeting.current_item
    note = services.note_record(item=current, text="Only this is new", author=cast.alice)
    for client in (first, second):  # prepared by the first, read by the second
        response = poll(client, meeting, known)
        assert response.status_code == 200
        text = response.text
        # The note, in a list naming its item; nothing of any other note, item or block.
        assert note_ids(text) == {str(note.pk)} and "Only this is new" in text
        assert f'<ol data-live-notes="{current.anchor}">' in text
        assert blocks(text) == [] and "Said under" not in text
        assert "data-live-order" not in text  # no block came, went or moved
        assert len(text) * 50 < len(whole)


def test_an_items_first_note_or_summary_sends_the_whole_item(cast):
    meeting = live_meeting(cast, items=3, notes=0)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    current = meeting.current_item
    services.note_record(item=current, text="The first word", author=cast.alice)
    text = poll(client, meeting, known).text
    assert blocks(text) == [current.anchor] and "The first word" in text
    known += 1
    services.note_record(item=current, text="A second word", author=cast.alice)
    services.item_summary_update(
        item=current,
        summary="Agreed in the end.",
        expected_version=current.summary_version,
        actor=cast.alice,
    )
    text = poll(client, meeting, known).text
    assert blocks(text) == [current.anchor] and "data-live-notes" not in text
    assert "The first word" in text and "A second word" in text and "Agreed in the end." in text


def test_a_new_item_sends_it_with_the_new_order(cast):
    meeting = live_meeting(cast, items=3, notes=2)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    item = services.agenda_item_add(
        meeting=meeting, details=ItemDetails(title="Any other business"), actor=cast.alice
    )
    text = poll(client, meeting, known).text
    assert "Any other business" in text
    order = re.search(r'data-live-order="([^"]+)"', text)[1].split()
    assert order[-1] == item.anchor
    assert [name for name in order if name.startswith("item-")] == [
        other.anchor for other in meeting.items.order_by("position")
    ]
    # The table of contents names it: its new entry alone, placed after the one before it.
    assert 'id="agenda"' not in text and f'<li id="toc-{item.anchor}">' in text
    assert f'data-live-places="toc-{item.anchor}:after:toc-{order[-2]}"' in text
    assert not note_ids(text)  # no other item came along


def test_the_next_item_sends_two_agenda_entries_not_the_agenda(cast):
    meeting = live_meeting(cast, items=8, notes=1)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    before = meeting.current_item
    after = services.agenda_next_item(meeting=meeting, after=before.pk, actor=cast.alice)
    text = poll(client, meeting, known).text
    # The two items' blocks (one no longer under discussion, one now), and of the agenda only
    # the two entries whose "Now" moved, in a div naming the agenda.
    assert blocks(text) == [before.anchor, after.anchor]
    assert '<div data-live-parts="agenda">' in text and 'id="agenda"' not in text
    entries = re.findall(r'<li id="(toc-[^"]+)"', text)
    assert entries == [f"toc-{before.anchor}", f"toc-{after.anchor}"]
    assert text.count(">Now<") == 1 and "data-live-order" not in text


def test_a_roll_call_mark_sends_the_lines_that_changed_not_the_attendance(cast):
    """A member marked absent leaves their organisation's line (gone when they were its only
    one) for "Absent:"; marked present again, the line comes back, placed beside its
    neighbour. Neither sends the rest of the attendance."""
    meeting = live_meeting(cast)
    victor, greta, ivan = attend(meeting, cast.victor, cast.greta, cast.ivan, actor=cast.alice)
    (client,) = watching(Meeting.objects.get(pk=meeting.pk), cast.nora)
    known = Meeting.objects.get(pk=meeting.pk).live_version
    services.attendance_mark(meeting=meeting, person=cast.greta, status="absent", actor=cast.alice)
    text = poll(client, meeting, known).text
    assert 'id="attendance"' not in text and '<div data-live-parts="attendance"' in text
    assert f'data-live-gone="at-{greta.pk}"' in text
    assert 'id="attendance-absent"' in text and 'id="attendance-count"' in text
    assert f'id="at-{victor.pk}"' not in text and f'id="at-{ivan.pk}"' not in text
    known = Meeting.objects.get(pk=meeting.pk).live_version
    services.attendance_mark(meeting=meeting, person=cast.greta, status="present", actor=cast.alice)
    text = poll(client, meeting, known).text
    assert 'id="attendance"' not in text and f'<li id="at-{greta.pk}">' in text
    place = re.search(rf'data-live-places="at-{greta.pk}:(after|before):([\w-]+)"', text)
    assert place and place[2] in {f"at-{victor.pk}", f"at-{ivan.pk}"}
    assert 'data-live-gone="attendance-absent"' in text


def test_attendance_sends_the_quorum_and_the_attendance_only(cast):
    meeting = live_meeting(cast)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    attend(meeting, cast.victor, cast.greta, actor=cast.alice)
    text = poll(client, meeting, known).text
    assert blocks(text) == ["record-status", "attendance"]
    assert "Victor Voter" in text
    assert not note_ids(text)


def test_a_page_too_far_behind_gets_the_whole_record(cast):
    meeting = live_meeting(cast, items=4, notes=3)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    cache.clear()  # the render of the page's version is no longer kept
    text = poll(client, meeting, known).text
    assert "data-live-since" not in text
    assert len(note_ids(text)) == 4 * 3 + 1


def test_an_unknown_version_gets_the_whole_record(cast):
    meeting = live_meeting(cast, items=2, notes=1)
    client = signed_in(cast.victor)
    for version in ("0", "abc", "99999999999999999999999"):
        response = client.get(live_url_for(meeting), {"v": version})
        assert response.status_code == 200
        assert "data-live-since" not in response.text and len(note_ids(response.text)) == 2


def test_adjournment_sends_the_status_and_stops_the_polling(cast):
    meeting = live_meeting(cast)
    first, second = watching(meeting, cast.victor, cast.greta)
    known = meeting.live_version
    services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    for client in (first, second):
        response = poll(client, meeting, known)
        assert response.status_code == live_pass.STOP_POLLING
        assert "data-live-since" in response.text and "Adjourned" in response.text
        assert response["X-Meeting-Status"] == "adjourned"


# -- Never what a person may not see --------------------------------------------------------


def draft_motion(cast, meeting):
    return motion_services.motion_create(
        board=cast.board,
        meeting=meeting,
        item=meeting.items.first(),
        details=MotionDetails(text="A draft only recorders see", method=Method.LIVE),
        actor=cast.alice,
    )


@pytest.mark.parametrize("first", ["alice", "victor"])
def test_recorders_and_members_never_get_each_others_answer(cast, first):
    meeting = live_meeting(cast)
    clients = dict(
        zip(["alice", "victor"], watching(meeting, cast.alice, cast.victor), strict=True)
    )
    known = meeting.live_version
    draft_motion(cast, meeting)
    order = [first, *(name for name in clients if name != first)]
    answers = {name: poll(clients[name], meeting, known).text for name in order}
    assert "A draft only recorders see" in answers["alice"]
    assert "A draft only recorders see" not in answers["victor"]


@pytest.mark.parametrize(
    ("who", "meeting_chair", "minute_taker", "records"),
    [
        ("alice", None, None, True),  # the board's chair, no chair named for the meeting
        ("alice", "greta", None, False),  # the board's chair, another named to chair: reads
        ("greta", "greta", None, True),  # named to chair
        ("sam", "greta", None, True),  # a secretary
        ("nora", None, "nora", True),  # the minute taker
        ("victor", None, "nora", False),  # a member
        ("root", None, None, True),  # a superuser without a seat acts as chair and secretary
    ],
)
def test_the_pass_decides_who_may_record_as_the_view_does(
    cast, django_assert_num_queries, who, meeting_chair, minute_taker, records
):
    cast.root = UserFactory(full_name="Root Admin", email="root@example.org", is_superuser=True)
    meeting = live_meeting(cast)
    Meeting.objects.filter(pk=meeting.pk).update(
        chair=getattr(cast, meeting_chair) if meeting_chair else None,
        minute_taker=getattr(cast, minute_taker) if minute_taker else None,
    )
    meeting.refresh_from_db()
    person = getattr(cast, who)
    recorder, member, client = watching(meeting, cast.sam, cast.ivan, person)
    known = meeting.live_version
    draft_motion(cast, meeting)
    # Both answers prepared (by a secretary and by a member): this poll is the pass's alone.
    assert "A draft only recorders see" in poll(recorder, meeting, known).text
    assert "A draft only recorders see" not in poll(member, meeting, known).text
    with django_assert_num_queries(1):
        text = poll(client, meeting, known).text
    meeting.refresh_from_db()
    assert can_record(person, acting_standing(person, cast.board), meeting) == records
    assert ("A draft only recorders see" in text) == records


def test_each_time_zone_gets_its_own_answer(cast):
    cast.victor.timezone = "Asia/Tokyo"
    cast.victor.save()
    meeting = live_meeting(cast)
    tokyo, plain = watching(meeting, cast.victor, cast.greta)
    known = meeting.live_version
    at = meeting.starts_at + dt.timedelta(hours=1)
    services.meeting_adjourn(meeting=meeting, actor=cast.alice, at=at)
    in_tokyo = timezone.localtime(at, zoneinfo.ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    in_utc = timezone.localtime(at, zoneinfo.ZoneInfo(cast.board.timezone)).strftime("%H:%M")
    assert in_tokyo != in_utc
    first = poll(tokyo, meeting, known).text  # prepared for Tokyo first
    second = poll(plain, meeting, known).text
    assert f"Adjourned {in_tokyo}" in first
    assert f"Adjourned {in_utc}" in second and in_tokyo not in second


def test_a_seat_ended_between_polls_gets_no_record(cast):
    meeting = live_meeting(cast)
    first, second = watching(meeting, cast.victor, cast.greta)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    assert "A new point" in poll(first, meeting, known).text  # the answer is prepared
    cast.greta.seats.update(starts_on=dt.date(2000, 1, 1), ends_on=dt.date(2001, 1, 1))
    response = poll(second, meeting, known)
    assert response.status_code == 404
    assert "A new point" not in response.text and "X-Live-Version" not in response


def test_a_logged_out_pass_gets_no_record(cast):
    meeting = live_meeting(cast)
    first, second = watching(meeting, cast.victor, cast.greta)
    known = meeting.live_version
    stolen = (second.cookies["sessionid"].value, second.cookies[live_pass.COOKIE].value)
    second.post(reverse("logout"))
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    assert "A new point" in poll(first, meeting, known).text
    thief = Client()
    thief.cookies["sessionid"], thief.cookies[live_pass.COOKIE] = stolen
    response = poll(thief, meeting, known)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "X-Live-Version" not in response


def test_another_boards_meeting_is_not_there(cast):
    meeting = live_meeting(cast)
    (client,) = watching(meeting, cast.victor)
    known = meeting.live_version
    services.note_record(item=meeting.current_item, text="A new point", author=cast.alice)
    poll(client, meeting, known)
    outsider = signed_in(cast.olga)
    response = outsider.get(
        reverse("meetings:meeting_live", args=[cast.other_board.slug, meeting.pk]), {"v": known}
    )
    assert response.status_code == 404 and "A new point" not in response.text
