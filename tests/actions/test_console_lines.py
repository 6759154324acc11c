"""Typing an action in the console's note box as the minutes write it, and the console's panels:
the small form for those who prefer fields, and the chair's one-step review of the summary."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from actions.lines import parse_due, split_action_line
from actions.models import ActionItem, ActionStatus, ActionUpdate
from governance.models import AuditEntry, Role
from meetings.models import Meeting, Note
from tests.actions.factories import raise_action
from tests.factories import SEATED_FROM, SeatFactory, UserFactory
from tests.meetings.factories import attend, started_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ON = dt.date(2024, 3, 14)


@pytest.mark.parametrize(
    ("line", "owners", "for_all", "description", "due"),
    [
        (
            "Action Lars: send the report next week",
            ("Lars",),
            False,
            "send the report next week",
            None,
        ),
        (
            "Action Sarah, Michelle: send questions",
            ("Sarah", "Michelle"),
            False,
            "send questions",
            None,
        ),
        ("Action Sarah and Don: talk", ("Sarah", "Don"), False, "talk", None),
        (
            "Action All: interested vendors to get back to Sarah",
            (),
            True,
            "interested vendors to get back to Sarah",
            None,
        ),
        ("action everyone: read it", (), True, "read it", None),
        ("Action Lars:: Lars to send report", ("Lars",), False, "Lars to send report", None),
        (
            "Action Don Dugger: check (due 2024-04-02)",
            ("Don Dugger",),
            False,
            "check",
            dt.date(2024, 4, 2),
        ),
        ("Action Don: check [due 2 Apr]", ("Don",), False, "check", dt.date(2024, 4, 2)),
    ],
)
def test_action_lines_are_read_as_the_minutes_write_them(line, owners, for_all, description, due):
    parsed = split_action_line(line, on=ON)
    assert (parsed.owner_hints, parsed.for_all, parsed.description, parsed.due_on) == (
        owners,
        for_all,
        description,
        due,
    )


@pytest.mark.parametrize(
    "line",
    [
        "Action items were discussed",
        "Actions were agreed: see below",
        "Lars: Action is needed",
        "Action 2: review",
        "See https://example.org/action:",
        "Action http://example.org: x",
    ],
)
def test_lines_that_only_look_like_actions_are_notes(line):
    assert split_action_line(line, on=ON) is None


def test_a_due_date_without_a_year_is_the_next_such_day():
    assert parse_due("2 Jan", on=ON) == dt.date(2025, 1, 2)
    assert parse_due("20 March", on=ON) == dt.date(2024, 3, 20)


@pytest.fixture
def meeting(cast):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, cast.alan)
    return Meeting.objects.get(pk=meeting.pk)


def note_url(meeting):
    return reverse(
        "meetings:console_note", args=[meeting.board.slug, meeting.pk, meeting.current_item_id]
    )


def type_line(client, meeting, text, **extra):
    return client.post(note_url(meeting), {"text": text, **extra}, headers=HTMX)


def test_chair_types_an_action_and_it_is_tracked_under_the_item(cast, client_for, meeting):
    response = type_line(client_for(cast.alice), meeting, "Action Victor: send the report")
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"meetings:saved": "Action recorded for Victor"}
    action = ActionItem.objects.get()
    assert (action.meeting, action.item_id, action.description, action.said_as) == (
        meeting,
        meeting.current_item_id,
        "send the report",
        "Action Victor: send the report",
    )
    assert list(action.owners.all()) == [cast.victor]
    assert action.status == ActionStatus.OPEN and action.created_by == cast.alice
    assert not Note.objects.exists()  # an action, not a note by a speaker called "Action"
    assert "Action Victor:" in response.text  # shown in the stream under the item
    assert AuditEntry.objects.filter(action="action.record").count() == 1
    page = client_for(cast.nora).get(meeting.get_absolute_url()).text
    assert 'class="action-line"' in page and "send the report" in page


def test_several_owners_and_all(cast, client_for, meeting):
    client = client_for(cast.alice)
    type_line(client, meeting, "Action Victor, Greta: compare notes")
    type_line(client, meeting, "Action All: read the report")
    several, everyone = ActionItem.objects.order_by("pk")
    assert set(several.owners.all()) == {cast.victor, cast.greta}
    assert everyone.for_all and not everyone.owners.exists()
    assert everyone.owner_names == "All"


def test_an_owner_seated_but_not_present_is_found(cast, client_for, meeting):
    type_line(client_for(cast.alice), meeting, "Action Ivan: catch up")
    assert list(ActionItem.objects.get().owners.all()) == [cast.ivan]


def test_an_unknown_owner_is_asked_about_and_nothing_is_stored(cast, client_for, meeting):
    response = type_line(client_for(cast.alice), meeting, "Action Zed: fix it")
    assert response.status_code == 422
    assert "Nobody on the board answers to “Zed”" in response.text
    assert "Save as a plain note" in response.text
    assert ">Action Zed: fix it</textarea>" in response.text
    assert not ActionItem.objects.exists() and not Note.objects.exists()


def test_an_outsider_is_not_an_owner(cast, client_for, meeting):
    response = type_line(client_for(cast.alice), meeting, "Action Olga: fix it")
    assert response.status_code == 422 and not ActionItem.objects.exists()


def test_an_ambiguous_owner_is_asked_and_the_choice_is_kept(cast, client_for, meeting):
    other = UserFactory(full_name="Greta Garbo", email="garbo@example.org")
    SeatFactory(board=cast.board, person=other, role=Role.STAFF, starts_on=SEATED_FROM)
    attend(meeting, other)
    client = client_for(cast.alice)
    asked = type_line(client, meeting, "Action Victor, Greta: plan")
    assert asked.status_code == 422
    assert "“Greta” could be Greta Garbo, Greta Globex" in asked.text
    assert f'name="resolve" value="owner:greta={other.pk}"' in asked.text
    assert not ActionItem.objects.exists()
    chosen = type_line(
        client, meeting, "Action Victor, Greta: plan", resolve=f"owner:greta={other.pk}"
    )
    assert chosen.status_code == 200
    assert set(ActionItem.objects.get().owners.all()) == {cast.victor, other}


def test_someone_present_is_chosen_over_a_namesake_who_is_not(cast, client_for, meeting):
    other = UserFactory(full_name="Greta Garbo", email="garbo@example.org")
    SeatFactory(board=cast.board, person=other, role=Role.STAFF, starts_on=SEATED_FROM)
    type_line(client_for(cast.alice), meeting, "Action Greta: plan")
    assert list(ActionItem.objects.get().owners.all()) == [cast.greta]


def test_an_unreadable_due_date_is_refused(cast, client_for, meeting):
    response = type_line(client_for(cast.alice), meeting, "Action Victor: report (due soonish)")
    assert response.status_code == 422
    assert "“soonish” is not a due date I can read" in response.text
    assert not ActionItem.objects.exists()


def test_the_line_can_be_saved_as_a_plain_note_instead(cast, client_for, meeting):
    response = type_line(client_for(cast.alice), meeting, "Action Zed: fix it", speaker="none")
    assert response.status_code == 200
    assert Note.objects.get().text == "Action Zed: fix it"
    assert not ActionItem.objects.exists()


def test_action_items_were_discussed_stays_a_note(cast, client_for, meeting):
    type_line(client_for(cast.alice), meeting, "Action items were discussed")
    assert Note.objects.get().text == "Action items were discussed"
    assert not ActionItem.objects.exists()


def test_no_action_after_adjournment(cast, client_for, meeting):
    from meetings import services as meeting_services

    item = meeting.current_item
    meeting_services.meeting_adjourn(meeting=meeting, actor=cast.alice)
    response = client_for(cast.alice).post(
        reverse("meetings:console_note", args=[cast.board.slug, meeting.pk, item.pk]),
        {"text": "Action Victor: late"},
        headers=HTMX,
    )
    assert response.status_code == 409  # the record is closed
    assert not ActionItem.objects.exists()


def add_url(meeting):
    return reverse("actions:console_add", args=[meeting.board.slug, meeting.pk])


def test_the_console_form_adds_an_action_under_the_current_item(cast, client_for, meeting):
    response = client_for(cast.alice).post(
        add_url(meeting),
        {"description": "Book the venue", "owners": [cast.greta.pk], "due_on": "2024-04-01"},
        headers=HTMX,
    )
    assert response.status_code == 200
    action = ActionItem.objects.get()
    assert (action.item_id, action.due_on) == (meeting.current_item_id, dt.date(2024, 4, 1))
    # The item's actions under the notes show it too; the note box (and any draft) stays.
    assert '<div hx-swap-oob="true" id="item-parts">' in response.text
    assert 'id="note-text"' not in response.text
    assert "Book the venue" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "x", "due_on": "soon", "owners": []}, "Write the due date as a date"),
        ({"description": "x"}, "Choose who will do it, or the whole board."),
        ({"description": "", "for_all": "on"}, "Say what is to be done."),
        ({"description": "x", "owners": ["999999"]}, "Choose owners among the board"),
    ],
)
def test_the_console_form_refuses_bad_input_and_stores_nothing(
    cast, client_for, meeting, data, message
):
    response = client_for(cast.alice).post(add_url(meeting), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.text
    assert not ActionItem.objects.exists()


def review_url(meeting, action):
    return reverse("actions:console_review", args=[meeting.board.slug, meeting.pk, action.pk])


def test_chair_reviews_an_action_of_the_summary_in_one_step(cast, client_for):
    action = raise_action(cast, cast.victor, at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    console = client_for(cast.alice).get(
        reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    assert "Action summary" in console.text and "0 of 1 reviewed" in console.text
    response = client_for(cast.alice).post(
        review_url(meeting, action), {"status": "done", "note": "Sent"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "1 of 1 reviewed" in response.text
    update = ActionUpdate.objects.get()
    assert (update.reviewed_in, update.status, update.note) == (meeting, "done", "Sent")


def test_a_review_without_a_change_is_still_recorded(cast, client_for):
    action = raise_action(cast, cast.victor, at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    response = client_for(cast.alice).post(
        review_url(meeting, action), {"status": "open", "note": ""}, headers=HTMX
    )
    assert response.status_code == 200
    update = ActionUpdate.objects.get()
    assert (update.reviewed_in, update.status, update.note) == (meeting, "", "")


def test_a_review_needs_a_known_status(cast, client_for):
    action = raise_action(cast, cast.victor, at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    response = client_for(cast.alice).post(
        review_url(meeting, action), {"status": "finished"}, headers=HTMX
    )
    assert "Select a valid choice" in response.text
    assert not ActionUpdate.objects.exists()
