"""The meetings list, the meeting record, the members' live poll and the dashboard card."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from meetings.queries import FOLD_NOTES_OVER
from meetings.views import live_url_for
from tests.meetings.factories import (
    AgendaItemFactory,
    MeetingFactory,
    NoteFactory,
    attend,
    started_meeting,
)

pytestmark = pytest.mark.django_db

READERS = ["alice", "sam", "victor", "alan", "greta", "nora", "ivan"]


def list_url(board):
    return reverse("meetings:meeting_list", args=[board.slug])


def detail_url(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.board.slug, meeting.pk])


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_visitor_is_sent_to_login(cast, page):
    meeting = MeetingFactory(board=cast.board)
    url = list_url(cast.board) if page == "list" else detail_url(meeting)
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", ["list", "detail"])
def test_member_of_another_board_gets_404(cast, client_for, page):
    meeting = MeetingFactory(board=cast.board, title="Secret March")
    url = list_url(cast.board) if page == "list" else detail_url(meeting)
    response = client_for(cast.olga).get(url)
    assert response.status_code == 404
    assert "Secret March" not in response.text


def test_meeting_of_another_board_is_404_even_under_ones_own_board(cast, client_for):
    other = MeetingFactory(board=cast.other_board)
    url = reverse("meetings:meeting_detail", args=[cast.board.slug, other.pk])
    assert client_for(cast.alice).get(url).status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_every_member_reads_the_list_and_the_record(cast, client_for, who):
    meeting = MeetingFactory(board=cast.board, title="March 2024")
    client = client_for(getattr(cast, who))
    assert "March 2024" in client.get(list_url(cast.board)).text
    assert "March 2024" in client.get(detail_url(meeting)).text


def test_list_puts_upcoming_and_past_apart(cast, client_for):
    MeetingFactory(
        board=cast.board, title="Long ago", starts_at=timezone.now() - dt.timedelta(days=90)
    )
    MeetingFactory(board=cast.board, title="Soon", starts_at=timezone.now() + dt.timedelta(days=9))
    text = client_for(cast.victor).get(list_url(cast.board)).text
    assert text.index("Upcoming") < text.index("Soon") < text.index("Past") < text.index("Long ago")
    assert "in 9 days" in text


def test_empty_list_says_what_to_do(cast, client_for):
    text = client_for(cast.victor).get(list_url(cast.board)).text
    assert "No meeting scheduled. The chair or secretary will schedule the next one" in text
    text = client_for(cast.sam).get(list_url(cast.board)).text
    assert "No meeting scheduled. <a href=" in text and "Schedule one</a>" in text


def test_record_shows_attendance_quorum_notes_and_summary(cast, client_for):
    meeting = started_meeting(cast.board, with_items=0)
    item = AgendaItemFactory(meeting=meeting, title="Budget Update", planned_minutes=15)
    attend(meeting, cast.victor, cast.greta, cast.nora)
    services.agenda_item_open(item=item, actor=cast.alice)
    services.note_record(item=item, text="Victor: we should approve it", author=cast.alice)
    services.item_summary_update(
        item=item, summary="Approved by all.", expected_version=0, actor=cast.alice
    )
    text = client_for(cast.nora).get(detail_url(meeting)).text
    assert "Quorate: 2 of 2 required" in text
    assert "Victor Voter" in text and "Acme Corporation" in text
    assert (
        '<strong class="speaker" title="Victor Voter">Victor:</strong> we should approve it' in text
    )
    assert "Approved by all." in text
    assert "Live" in text
    assert "data-live-url" in text


def test_record_marks_embargoed_and_confidential_items(cast, client_for):
    meeting = MeetingFactory(board=cast.board)
    AgendaItemFactory(
        meeting=meeting,
        title="New member",
        board_only=True,
        embargo_until=timezone.now() + dt.timedelta(days=20),
    )
    services.agenda_publish(meeting=meeting, actor=cast.sam)
    text = client_for(cast.victor).get(detail_url(meeting)).text
    assert "Board only" in text
    assert "Embargoed until" in text


def test_only_recorders_see_the_console_link(cast, client_for):
    meeting = MeetingFactory(board=cast.board)
    assert "Open live console" in client_for(cast.alice).get(detail_url(meeting)).text
    assert "Open live console" in client_for(cast.sam).get(detail_url(meeting)).text
    assert "Open live console" not in client_for(cast.victor).get(detail_url(meeting)).text


def test_htmx_request_gets_only_the_record(cast, client_for):
    meeting = MeetingFactory(board=cast.board)
    response = client_for(cast.victor).get(detail_url(meeting), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="record"')
    assert "<html" not in response.text


def big_meeting(cast, items: int, notes_per_item: int):
    meeting = started_meeting(cast.board, with_items=0)
    attendances = attend(meeting, cast.victor, cast.greta, cast.alan, cast.nora, cast.alice)
    for position in range(items):
        item = AgendaItemFactory(meeting=meeting, position=position + 1, presenter=cast.alice)
        NoteFactory.create_batch(
            notes_per_item, item=item, author=cast.sam, speaker=attendances[position % 5]
        )
    return Meeting.objects.get(pk=meeting.pk)


@pytest.mark.parametrize(("items", "notes"), [(3, 0), (60, 20)])
def test_record_page_query_count_does_not_grow_with_the_meeting(
    cast, client_for, django_assert_max_num_queries, items, notes
):
    meeting = big_meeting(cast, items, notes)
    client, page = client_for(cast.victor), detail_url(meeting)
    # 17: with the meeting's proxies (the record's "holds Intel's vote"), the seats of the day
    # (the voting member's proxy form) and the attendances' stretches in the room, one each.
    with django_assert_max_num_queries(17):
        response = client.get(page)
    assert response.status_code == 200
    # Past FOLD_NOTES_OVER notes, each item's notes are folded, loaded when opened (no item is
    # current here, so none is open).
    folded = items * notes > FOLD_NOTES_OVER
    assert response.text.count('class="note"') == (0 if folded else items * notes)
    assert response.text.count('<details class="item-notes"') == (items if folded else 0)


@pytest.mark.parametrize("count", [2, 40])
def test_list_query_count_does_not_grow(cast, client_for, django_assert_max_num_queries, count):
    for _ in range(count):
        MeetingFactory(board=cast.board)
    client = client_for(cast.victor)
    with django_assert_max_num_queries(10):
        assert client.get(list_url(cast.board)).status_code == 200


# -- The live poll ---------------------------------------------------------------------------


def poll(client, meeting, version, **extra):
    return client.get(live_url_for(meeting), {"v": version, **extra})


def poller(meeting, user):
    """A poll function, signed in as `user`, whose URL is built before any query is counted."""
    url = live_url_for(meeting)
    client = Client()
    client.force_login(user)
    return lambda version, **extra: client.get(url, {"v": version, **extra})


# The full way, without the live pass (the first poll of a page, or a probe): session, user,
# meeting (with its board), seats, whatever the meeting holds. With the pass it is 1
# (tests/meetings/test_live_pass.py).
UNCHANGED_POLL_QUERIES = 4


@pytest.mark.parametrize("items", [1, 30])
def test_unchanged_poll_costs_a_fixed_few_queries_and_has_no_body(
    cast, django_assert_num_queries, items
):
    meeting = started_meeting(cast.board, with_items=items)
    for item in meeting.items.all():
        services.note_record(item=item, text="A point made", author=cast.alice)
    meeting.refresh_from_db()
    get = poller(meeting, cast.victor)
    with django_assert_num_queries(UNCHANGED_POLL_QUERIES):
        response = get(meeting.live_version)
    assert response.status_code == 204
    assert response.content == b""
    assert response["X-Live-Version"] == str(meeting.live_version)


def test_the_live_url_carries_no_secret(cast):
    meeting = started_meeting(cast.board)
    assert live_url_for(meeting) == f"/b/{cast.board.slug}/meetings/{meeting.pk}/live/"


def test_changed_poll_returns_the_record_with_the_new_note(cast):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    known = meeting.live_version
    attend(meeting, cast.victor)
    services.note_record(item=meeting.current_item, text="Victor: hello board", author=cast.alice)
    response = poller(meeting, cast.victor)(known)
    assert response.status_code == 200
    assert "hello board" in response.text
    assert int(response["X-Live-Version"]) > known


def test_probe_answers_with_only_the_version(
    cast, django_assert_num_queries, django_assert_max_num_queries
):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    get = poller(meeting, cast.alice)
    with django_assert_num_queries(UNCHANGED_POLL_QUERIES):
        unchanged = get(meeting.live_version, probe="1")
    assert unchanged.status_code == 204 and unchanged.content == b""
    with django_assert_num_queries(UNCHANGED_POLL_QUERIES):
        response = get(meeting.live_version - 1, probe="1")
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Live-Version"] == str(meeting.live_version)


@pytest.mark.parametrize("extra", [{}, {"probe": "1"}])
@pytest.mark.parametrize("unchanged", [True, False], ids=["unchanged", "changed"])
def test_a_member_whose_seat_ended_is_told_nothing(cast, extra, unchanged):
    """Every poll asks again, the cheap unchanged one too: after the seat ends, not the record,
    not that the version moved, not even the meeting's status."""
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    get = poller(meeting, cast.greta)
    known = meeting.live_version
    assert get(known, **extra).status_code == 204
    cast.greta.seats.update(ends_on=dt.date(2001, 1, 1), starts_on=dt.date(2000, 1, 1))
    if not unchanged:
        services.note_record(item=meeting.current_item, text="After Greta left", author=cast.alice)
        meeting.refresh_from_db()
    response = get(meeting.live_version if unchanged else known, **extra)
    assert response.status_code == 404
    assert "After Greta left" not in response.text
    assert "X-Live-Version" not in response and "X-Meeting-Status" not in response


def test_poll_without_a_session_is_sent_to_sign_in_and_learns_nothing(cast):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    for version in (meeting.live_version, 0):
        response = poll(Client(), meeting, version)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "X-Live-Version" not in response and "X-Meeting-Status" not in response


def test_logging_out_ends_the_poll(cast):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    client = Client()
    client.force_login(cast.victor)
    assert poll(client, meeting, meeting.live_version).status_code == 204
    client.post(reverse("logout"))
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "X-Live-Version" not in response


def test_a_password_change_ends_the_poll_in_other_sessions(cast):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    client = Client()
    client.force_login(cast.victor)
    assert poll(client, meeting, meeting.live_version).status_code == 204
    cast.victor.set_password("a-new-and-long-passphrase")
    cast.victor.save()
    response = poll(client, meeting, meeting.live_version)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "X-Live-Version" not in response


def test_the_shared_render_never_gives_a_member_the_recorders_words(cast):
    """The chair's poll fills the cache first; a member's poll of the same version must not be
    served the chair's variant."""
    meeting = started_meeting(cast.board, with_items=0)
    meeting.refresh_from_db()
    chair = poller(meeting, cast.alice)(0)
    assert "Build it on the agenda page or in the live console" in chair.text
    member = poller(meeting, cast.victor)(0)
    assert member.status_code == 200
    assert "Build it on the agenda page" not in member.text
    assert "The chair or secretary will add it" in member.text
    assert "/console/" not in member.text


def test_a_changed_poll_is_never_served_an_older_version_from_the_cache(cast):
    meeting = started_meeting(cast.board)
    attend(meeting, cast.victor)
    meeting.refresh_from_db()
    get = poller(meeting, cast.greta)
    first = get(0)
    services.note_record(item=meeting.current_item, text="Victor: fresh point", author=cast.alice)
    second = get(first["X-Live-Version"])
    assert second.status_code == 200
    assert int(second["X-Live-Version"]) > int(first["X-Live-Version"])
    assert "fresh point" in second.text


def test_poll_stops_once_adjourned(cast):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    known = meeting.live_version
    meeting = services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    get = poller(meeting, cast.victor)
    response = get(known)
    assert response.status_code == 286
    assert "Adjourned" in response.text
    assert 'data-meeting-status="adjourned"' in response.text
    meeting.refresh_from_db()
    again = get(meeting.live_version)
    assert again.status_code == 286 and again.content == b""


def test_poll_of_a_meeting_under_another_boards_address_is_404(cast):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    url = reverse("meetings:meeting_live", args=[cast.other_board.slug, meeting.pk])
    client = Client()
    client.force_login(cast.olga)
    response = client.get(url, {"v": meeting.live_version})
    assert response.status_code == 404
    assert "X-Live-Version" not in response


@pytest.mark.parametrize("version", ["current", 0])
def test_poll_for_someone_not_on_the_board_is_404(cast, version):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    response = poller(meeting, cast.olga)(meeting.live_version if version == "current" else version)
    assert response.status_code == 404
    assert "Test Board" not in response.text
    assert "X-Live-Version" not in response and "X-Meeting-Status" not in response


def test_a_superuser_without_a_seat_follows_the_meeting(cast):
    cast.olga.is_superuser = True
    cast.olga.save()
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    assert poller(meeting, cast.olga)(meeting.live_version).status_code == 204


# -- Dashboard -------------------------------------------------------------------------------


def test_dashboard_card_shows_the_next_meeting(cast, client_for):
    MeetingFactory(
        board=cast.board, title="April 2030", starts_at=timezone.now() + dt.timedelta(days=3)
    )
    text = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug])).text
    assert "Next meeting" in text and "April 2030" in text and "in 3 days" in text


def test_dashboard_card_offers_the_live_view_while_in_progress(cast, client_for):
    meeting = MeetingFactory(board=cast.board, starts_at=timezone.now())
    services.meeting_start(meeting=meeting, actor=cast.alice)
    text = client_for(cast.victor).get(reverse("dashboard", args=[cast.board.slug])).text
    assert "Follow live" in text
    assert "Live console" not in text
    assert (
        "Live console"
        in client_for(cast.alice).get(reverse("dashboard", args=[cast.board.slug])).text
    )


def test_admin_change_page_for_a_meeting_with_inlines_loads(cast, client_for):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    meeting = started_meeting(cast.board, with_items=3)
    attend(meeting, cast.victor)
    client = client_for(cast.sam)
    for url in (
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:meetings_agendaitem_change", args=[meeting.items.first().pk]),
    ):
        assert client.get(url).status_code == 200


def test_demo_meeting_reads_as_the_minutes(client_for):
    from django.core.management import call_command

    from governance.models import User
    from meetings.models import AgendaItem, Attendance, Note

    call_command("demo", no_serve=True)
    counts = (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Note.objects.count(),
        Attendance.objects.count(),
    )
    call_command("demo", no_serve=True)
    assert counts == (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Note.objects.count(),
        Attendance.objects.count(),
    )
    may = Meeting.objects.get(title="May 2014")
    assert may.attendances.count() == 14
    titles = list(may.items.in_order().values_list("title", flat=True))
    assert titles[:2] == [
        "Do we have enough momentum for a Xen+libvirt initiative?",
        "Member and Media Updates",
    ]
    assert {
        "Budget Update",
        "Approve spending for Xen Project Hackathon",
        "Xen Project 4.4 Retrospective",
    } <= set(titles)
    assert may.items.get(title="Member and Media Updates").embargo_until == dt.datetime(
        2014, 6, 3, tzinfo=zoneinfo.ZoneInfo("Europe/London")
    )
    assert Meeting.objects.upcoming().filter(status="scheduled").exists()
    lars = User.objects.get(email="lars.kurth@demo.boardroom.example")
    text = client_for(lars).get(detail_url(may)).text
    assert "Quorate: 9 of 9 required" in text
    assert '<strong class="speaker" title="Don Dugger">Don:</strong> makes the point' in text
    assert "Daniel Kiper" in text and "Oracle" in text


def test_changed_poll_is_rendered_once_per_version_for_every_member(
    cast, django_assert_max_num_queries
):
    meeting = started_meeting(cast.board)
    meeting.refresh_from_db()
    first, second = poller(meeting, cast.victor), poller(meeting, cast.greta)
    assert "Item" in first(0).text
    with django_assert_max_num_queries(UNCHANGED_POLL_QUERIES + 1):  # the cache, then the checks
        response = second(0)
    assert response.status_code == 200 and "Item" in response.text


def test_statements_are_escaped_and_links_made_clickable(cast, client_for):
    meeting = started_meeting(cast.board)
    attend(meeting, cast.victor)
    services.note_record(
        item=meeting.current_item,
        text="Victor: <script>alert(1)</script> see https://wiki.example.org/x\nsecond line",
        author=cast.alice,
    )
    text = client_for(cast.greta).get(detail_url(meeting)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert '<a href="https://wiki.example.org/x" rel="nofollow">' in text
    assert "</a><br>second line" in text


@pytest.mark.parametrize(("minutes_after_start", "shown"), [(2, False), (5, False), (6, True)])
def test_the_record_names_an_arrival_time_only_for_late_arrivals(
    cast, client_for, minutes_after_start, shown
):
    import datetime as dt

    from meetings.models import Attendance, AttendanceStatus, Presence
    from meetings.services import meeting_schedule, meeting_start

    start = dt.datetime(2024, 5, 16, 15, 0, tzinfo=dt.UTC)
    meeting = meeting_schedule(board=cast.board, title="Late", starts_at=start, actor=cast.alice)
    meeting = meeting_start(meeting=meeting, actor=cast.alice, at=start)
    greta = Attendance.objects.create(
        meeting=meeting,
        person=cast.greta,
        organisation=cast.globex,
        role="voting",
        status=AttendanceStatus.PRESENT,
    )
    Presence.objects.create(
        attendance=greta, arrived_at=start + dt.timedelta(minutes=minutes_after_start)
    )
    response = client_for(cast.victor).get(meeting.get_absolute_url())
    assert ("from 16:0" in response.text) is shown


def test_the_live_poll_shows_times_in_the_boards_zone_to_a_member_without_one(cast, client_for):
    import datetime as dt

    from meetings.services import attendance_mark, meeting_schedule, meeting_start

    cast.board.timezone = "Asia/Tokyo"
    cast.board.save()
    start = dt.datetime(2024, 5, 16, 15, 0, tzinfo=dt.UTC)
    meeting = meeting_schedule(board=cast.board, title="Zones", starts_at=start, actor=cast.alice)
    meeting = meeting_start(meeting=meeting, actor=cast.alice, at=start)
    for voter in (cast.victor, cast.greta):
        attendance_mark(
            meeting=meeting,
            person=voter,
            status="present",
            actor=cast.alice,
            at=start + dt.timedelta(minutes=10),
        )
    client = client_for(cast.victor)
    page = client.get(meeting.get_absolute_url())
    assert "JST" in page.text
    live_url = page.text.split('data-live-url="', 1)[1].split('"', 1)[0]
    poll = client.get(live_url.replace("&amp;", "&"), {"v": "0"})
    assert poll.status_code == 200
    assert "Quorate from 00:10 JST" in poll.text and "UTC" not in poll.text
