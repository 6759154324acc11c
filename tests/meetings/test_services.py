"""The services' rules, without the web: speakers named in notes, versions, audit, bounds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.models import AuditEntry
from meetings import services
from meetings.errors import (
    InvalidAgendaChange,
    MeetingNotOpen,
    NotSeated,
    SpeakerAmbiguous,
    StaleSummary,
)
from meetings.models import Meeting, Note
from meetings.services import match_speaker, split_speaker
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend, started_meeting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don: makes the point", ("Don", "makes the point")),
        ("Don Dugger: yes", ("Don Dugger", "yes")),
        ("Lars:: double colon from the wiki", ("Lars", "double colon from the wiki")),
        ("  Antony :  spaced  ", ("Antony", "spaced")),
        ("see https://wiki.openstack.org/x", (None, "see https://wiki.openstack.org/x")),
        ("https://example.org: a link first", (None, "https://example.org: a link first")),
        ("No colon at all", (None, "No colon at all")),
        ("Four words are too: many", (None, "Four words are too: many")),
        ("Time 16:30 is fine", (None, "Time 16:30 is fine")),
        ("Michelle P Dominijanni: three words", ("Michelle P Dominijanni", "three words")),
    ],
)
def test_a_leading_name_and_colon_names_the_speaker(text, expected):
    assert split_speaker(text) == expected


@given(st.text(max_size=300))
def test_any_text_splits_without_error_and_loses_nothing_but_the_name(text):
    hint, statement = split_speaker(text)
    assert statement in text or statement == text.strip()
    if hint is None:
        assert statement == text.strip()


@pytest.mark.django_db
def test_matching_prefers_full_name_then_first_name_then_any_name(cast):
    meeting = MeetingFactory(board=cast.board)
    victor, greta, alan = attend(meeting, cast.victor, cast.greta, cast.alan)
    present = [victor, greta, alan]
    assert match_speaker("Victor Voter", present) == [victor]
    assert match_speaker("victor", present) == [victor]
    assert match_speaker("Globex", present) == [greta]
    assert match_speaker("Al", present) == [alan]
    assert match_speaker("Zed", present) == []


@pytest.mark.django_db
def test_a_name_matching_two_people_asks_and_saves_nothing(cast):
    cast.greta.full_name = "Greta Voter"
    cast.greta.save()
    meeting = started_meeting(cast.board)
    attend(meeting, cast.victor, cast.greta)
    with pytest.raises(SpeakerAmbiguous) as raised:
        services.note_record(item=meeting.current_item, text="Voter: hm", author=cast.alice)
    assert [a.name for a in raised.value.candidates] == ["Greta Voter", "Victor Voter"]
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_only_people_still_here_can_be_named(cast):
    meeting = started_meeting(cast.board)
    (victor,) = attend(meeting, cast.victor)
    services.attendance_depart(attendance=victor, actor=cast.alice)
    with pytest.raises(Exception, match="Nobody present answers to “Victor”"):
        services.note_record(item=meeting.current_item, text="Victor: hi", author=cast.alice)


@pytest.mark.django_db
def test_every_change_is_audited_and_bumps_the_live_version(cast):
    meeting = MeetingFactory(board=cast.board)
    AgendaItemFactory(meeting=meeting)
    version = meeting.live_version
    steps = [
        lambda m: services.attendance_mark(
            meeting=m, person=cast.victor, status="present", actor=cast.alice
        ),
        lambda m: services.meeting_start(meeting=m, actor=cast.alice, at=m.starts_at),
        lambda m: services.note_record(item=m.items.get(), text="Victor: hi", author=cast.alice),
        lambda m: services.item_summary_update(
            item=m.items.get(), summary="S", expected_version=0, actor=cast.alice
        ),
        lambda m: services.agenda_item_add(
            meeting=m, details=services.ItemDetails(title="AOB"), actor=cast.alice
        ),
        lambda m: services.meeting_adjourn(meeting=m, actor=cast.alice),
    ]
    for number, step in enumerate(steps, start=1):
        step(Meeting.objects.get(pk=meeting.pk))
        assert Meeting.objects.get(pk=meeting.pk).live_version == version + number
        assert AuditEntry.objects.count() == number
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"attendance.mark", "meeting.start", "note.create", "agenda_item.summary"} <= actions


@pytest.mark.django_db
def test_stale_summary_keeps_the_first_writers_text(cast):
    item = AgendaItemFactory(meeting=MeetingFactory(board=cast.board))
    services.item_summary_update(item=item, summary="First", expected_version=0, actor=cast.alice)
    with pytest.raises(StaleSummary) as raised:
        services.item_summary_update(
            item=item, summary="Second", expected_version=0, actor=cast.sam
        )
    assert raised.value.current_text == "First" and raised.value.current_version == 1
    item.refresh_from_db()
    assert item.summary == "First"


@pytest.mark.django_db
def test_agenda_bounds_and_states_are_enforced(cast):
    meeting = MeetingFactory(board=cast.board)
    first = AgendaItemFactory(meeting=meeting, position=1)
    with pytest.raises(InvalidAgendaChange, match="already first"):
        services.agenda_item_move(item=first, offset=-1, actor=cast.alice)
    with pytest.raises(MeetingNotOpen):
        services.agenda_item_open(item=first, actor=cast.alice)
    with pytest.raises(MeetingNotOpen):
        services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    with pytest.raises(InvalidAgendaChange, match="title"):
        services.agenda_item_add(
            meeting=meeting, details=services.ItemDetails(title="  "), actor=cast.alice
        )
    with pytest.raises(NotSeated):
        services.attendance_mark(
            meeting=meeting, person=cast.victor, status="maybe", actor=cast.alice
        )


@pytest.mark.django_db
def test_previous_meeting_is_the_one_before(cast):
    first = MeetingFactory(board=cast.board)
    second = MeetingFactory(board=cast.board)
    MeetingFactory(board=cast.other_board)
    assert second.previous() == first
    assert first.previous() is None
