"""How much text the record keeps, and which names it prints: the same limits in the forms and
in the services (for callers other than the pages), refused in words with nothing saved."""

import pytest

from meetings import services
from meetings.errors import DomainError
from meetings.models import AgendaItem, Attendance, Meeting, Note
from meetings.services import ItemDetails
from tests.meetings.test_hostile_input import HTMX, snapshot, url

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.fixture
def meeting(cast):
    from tests.meetings.factories import attend, started_meeting

    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, actor=cast.alice)
    return Meeting.objects.get(pk=meeting.pk)


@pytest.mark.parametrize(("size", "kept"), [(10_000, True), (10_001, False)])
def test_an_items_background_is_kept_up_to_ten_thousand_characters(cast, meeting, size, kept):
    details = ItemDetails(title="Budget", description="x" * size)
    if kept:
        item = services.agenda_item_add(meeting=meeting, details=details, actor=cast.alice)
        assert len(item.description) == size
    else:
        with pytest.raises(DomainError, match="Keep the background to 10,000 characters"):
            services.agenda_item_add(meeting=meeting, details=details, actor=cast.alice)
        assert AgendaItem.objects.filter(title="Budget").count() == 0


def test_the_agenda_form_refuses_a_background_too_long(cast, client_for, meeting):
    before = snapshot()
    response = client_for(cast.alice).post(
        url(meeting, "console_add_item"),
        {"title": "Huge", "kind": "discussion", "description": "x" * 10_001},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "at most 10000 characters" in response.text
    assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [("x" * 5_001, "Keep the note to 5,000 characters"), ("a\x00b", "NUL character")],
)
def test_a_note_too_long_or_with_a_nul_is_refused_by_the_service(cast, meeting, text, message):
    with pytest.raises(DomainError, match=message):
        services.note_record(item=meeting.current_item, text=text, author=cast.alice)
    assert not Note.objects.exists()


def test_a_summary_too_long_is_refused_by_the_service(cast, meeting):
    item = meeting.current_item
    with pytest.raises(DomainError, match="Keep the summary to 20,000 characters"):
        services.item_summary_update(
            item=item, summary="x" * 20_001, expected_version=item.summary_version, actor=cast.alice
        )
    item.refresh_from_db()
    assert item.summary == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": f"Gus{RLO}tset"}, "override characters"),
        ({"name": "\u200b\u200b"}, "Give the guest&#x27;s name."),
        ({"name": "Gus", "organisation": f"Umbrella{RLO}"}, "override characters"),
    ],
)
def test_a_guests_name_the_record_cannot_print_is_refused(cast, client_for, meeting, data, message):
    before = snapshot()
    response = client_for(cast.alice).post(url(meeting, "console_guest"), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.text
    assert snapshot() == before


def test_the_guest_service_refuses_an_override_too(cast, meeting):
    with pytest.raises(DomainError, match="override characters"):
        services.attendance_add_guest(
            meeting=meeting, name=f"Gus{RLO}", organisation_name="", actor=cast.alice
        )
    assert not Attendance.objects.filter(role="guest").exists()


def test_a_rename_does_not_rewrite_past_records(cast, client_for, meeting):
    from governance import services as governance_services
    from minutes.generate import minutes_markdown

    services.note_record(item=meeting.current_item, text="Victor: agreed", author=cast.alice)
    meeting = services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    governance_services.person_update(
        person=cast.victor, actor=cast.victor, full_name="Vic Newname"
    )

    page = client_for(cast.greta).get(meeting.get_absolute_url()).content.decode()
    assert "Victor Voter" in page and "Vic Newname" not in page
    text = minutes_markdown(meeting)
    assert "Victor Voter" in text and "**Victor:** agreed" in text
    assert "Newname" not in text
