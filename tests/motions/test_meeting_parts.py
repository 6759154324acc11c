"""Motions in the meeting: lines typed in the console, the record's sections, the console panel."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Note
from motions import services
from motions.meeting_parts import parse_motion_line
from motions.models import Choice, Method, Motion, Outcome, Status
from tests.motions.conftest import opened, put

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


@pytest.mark.parametrize(
    ("line", "text", "said"),
    [
        ("Motion: Approve this expense. Carried.", "Approve this expense", "carried"),
        ("Motion:  Approve this expense Carried", "Approve this expense", "carried"),
        (
            "motion: approve this expense. Carried without objection.",
            "approve this expense",
            "carried",
        ),
        (
            "PASSED: The AB endorses the libvirt initiative",
            "The AB endorses the libvirt initiative",
            "carried",
        ),
        ("RESOLUTION: Adopt the 2015 budget.", "Adopt the 2015 budget", ""),
        ("Resolution - Adopt the budget. Failed.", "Adopt the budget", "failed"),
        ("Motion: Approve the minutes", "Approve the minutes", ""),
        ("Motion: Carried", "Carried", ""),
    ],
)
def test_motion_lines_are_read_as_the_minutes_write_them(line, text, said):
    parsed = parse_motion_line(line)
    assert (parsed.text, parsed.said) == (text, said)


@pytest.mark.parametrize(
    ("line", "method", "counts"),
    [
        ("Motion: Approve this expense. Carried.", "", None),
        ("Motion: Approve it. Carried without objection.", "without_objection", None),
        ("Motion: Approve it. Carried 9–0–0.", "counts", (9, 0, 0)),
        ("Motion: Approve it. Carried (7-1-1)", "counts", (7, 1, 1)),
        ("Motion: Approve it. Failed 2-5", "counts", (2, 5, 0)),
        ("Motion: Approve it. Carried 6 for, 2 against, 1 abstaining.", "counts", (6, 2, 1)),
        ("Motion: Approve it. Failed without objection", "", None),
    ],
)
def test_a_line_that_says_how_is_recorded_without_asking(line, method, counts):
    parsed = parse_motion_line(line)
    assert (parsed.text, parsed.method, parsed.counts) == (
        "Approve it" if method or counts or "Failed" in line else "Approve this expense",
        method,
        counts,
    )


def test_console_line_with_a_count_is_recorded_at_once(cast, meeting, client_for):
    done = client_for(cast.alice).post(
        url(meeting, "console_note", meeting.current_item_id),
        {"text": "PASSED: Adopt the survey. Carried 2-1-0."},
        headers=HTMX,
    )
    assert "Motion recorded: carried" in done["HX-Trigger"]
    motion = Motion.objects.get()
    assert (motion.method, motion.votes_for, motion.votes_against) == (Method.COUNTS, 2, 1)


@pytest.mark.parametrize(
    "line", ["Don: motion sickness", "Motions are hard", "Motion:", "Lars: PASSED: x"]
)
def test_other_lines_are_not_motions(line):
    assert parse_motion_line(line) is None


def test_console_line_asks_how_then_records_without_objection(cast, meeting, client_for):
    client = client_for(cast.alice)
    item = meeting.current_item
    note_url = url(meeting, "console_note", item.pk)
    asked = client.post(note_url, {"text": "Motion: Approve this expense. Carried."}, headers=HTMX)
    page = asked.content.decode()
    assert "how was it decided?" in page and "Carried without objection" in page
    assert "nobody" not in page.lower() or "unknown" not in page.lower()
    assert not Motion.objects.exists() and not Note.objects.exists()
    done = client.post(
        note_url,
        {"text": "Motion: Approve this expense. Carried.", "resolve": "without_objection"},
        headers=HTMX,
    )
    assert "Motion recorded: carried" in done["HX-Trigger"]
    motion = Motion.objects.get()
    assert (motion.text, motion.item, motion.outcome) == (
        "Approve this expense",
        item,
        Outcome.CARRIED,
    )
    assert not Note.objects.exists()


def test_console_line_opens_a_live_vote(cast, meeting, client_for):
    client = client_for(cast.alice)
    client.post(
        url(meeting, "console_note", meeting.current_item_id),
        {"text": "RESOLUTION: Adopt the survey", "resolve": "live"},
        headers=HTMX,
    )
    assert Motion.objects.get().status == Status.OPEN
    console = client.get(url(meeting, "live_console")).content.decode()
    assert "Close the vote" in console and "Adopt the survey" in console


def test_failed_line_is_not_offered_as_carried_without_objection(cast, meeting, client_for):
    page = (
        client_for(cast.alice)
        .post(
            url(meeting, "console_note", meeting.current_item_id),
            {"text": "Motion: Buy a boat. Failed."},
            headers=HTMX,
        )
        .content.decode()
    )
    assert 'value="without_objection"' not in page and 'value="counts"' in page


def test_record_shows_motions_under_their_item_with_tally(cast, meeting, client_for):
    motion = put(cast, meeting, method=Method.COUNTS)
    services.motion_record(motion=motion, actor=cast.alice, counts=(3, 0, 0))
    draft = put(cast, meeting, text="A draft only the recorder sees")
    page = client_for(cast.nora).get(url(meeting, "meeting_detail")).content.decode()
    assert "Approve this expense" in page and "3 for, 0 against, 0 abstaining" in page
    assert "Carried" in page
    assert draft.text not in page
    assert draft.text in client_for(cast.alice).get(url(meeting, "meeting_detail")).content.decode()


def test_motion_changes_tell_live_pages(cast, meeting):
    before = Meeting.objects.get(pk=meeting.pk).live_version
    motion = opened(cast, meeting)
    services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    services.motion_close(motion=motion, actor=cast.alice)
    # put, open, close: three changes; a vote alone does not move the meeting's version.
    assert Meeting.objects.get(pk=meeting.pk).live_version == before + 3


def test_next_meeting_lists_ballots_closed_since_the_previous(cast, meeting, client_for):
    from tests.meetings.factories import MeetingFactory

    ballot = opened(cast, method=Method.BALLOT, text="Adopt the user survey")
    for person in (cast.victor, cast.greta, cast.ivan):
        services.vote_cast(motion=ballot, person=person, choice=Choice.FOR)
    following = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(days=30))
    page = client_for(cast.victor).get(url(following, "meeting_detail")).content.decode()
    assert "Ballots closed since the previous meeting" in page and "Adopt the user survey" in page
    earlier = client_for(cast.victor).get(url(meeting, "meeting_detail")).content.decode()
    assert "Ballots closed since the previous meeting" not in earlier


def test_the_meeting_page_reads_its_motions_once(cast, meeting, client_for):
    """Under each item, under none, and the ballots closed since the previous meeting: one
    query between them, however many there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.motion_record(
        motion=put(cast, meeting, text="Placed under the item", method=Method.WITHOUT_OBJECTION),
        actor=cast.alice,
    )
    unplaced = services.motion_create(
        board=cast.board,
        meeting=meeting,
        item=None,
        details=services.MotionDetails(text="Put under no item", method=Method.LIVE),
        actor=cast.alice,
    )
    services.motion_open(motion=unplaced, actor=cast.alice)
    client = client_for(cast.victor)
    page = reverse("meetings:meeting_detail", args=[cast.board.slug, meeting.pk])
    with CaptureQueriesContext(connection) as captured:
        text = client.get(page).content.decode()
    assert "Placed under the item" in text and "Put under no item" in text
    reads = [q for q in captured.captured_queries if 'FROM "motions_motion"' in q["sql"]]
    assert len(reads) == 1, [q["sql"][:120] for q in reads]
