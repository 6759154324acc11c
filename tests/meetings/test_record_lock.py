"""Once adjourned, a meeting's record is closed: every console endpoint refuses (409, the
message shown, nothing stored, the live version unchanged), every service refuses, and the
console shows the record without controls. Also the regression tests of issue 8's defects
1, 4, 6 and 7 for meetings."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from governance.models import AuditEntry
from meetings import services, urls
from meetings.errors import InvalidSchedule, RecordClosed
from meetings.models import AgendaItem, Attendance, Meeting, Note, Presence
from tests.meetings.factories import MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
CLOSED = "record is closed"


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


@pytest.fixture
def adjourned(cast):
    """An adjourned meeting: Victor present and quoted, Greta present, two items, a summary."""
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, actor=cast.alice, at=meeting.started_at)
    item = meeting.current_item
    services.note_record(item=item, text="Victor: we agree", author=cast.alice)
    services.item_summary_update(item=item, summary="Agreed.", expected_version=0, actor=cast.alice)
    services.meeting_adjourn(
        meeting=meeting, actor=cast.alice, at=meeting.started_at + dt.timedelta(hours=1)
    )
    return Meeting.objects.get(pk=meeting.pk)


def state(meeting):
    """Everything a console post could change, to compare before and after."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    return (
        meeting.live_version,
        meeting.status,
        meeting.current_item_id,
        list(Attendance.objects.order_by("pk").values_list("status")),
        list(
            Presence.objects.order_by("pk").values_list("attendance", "arrived_at", "departed_at")
        ),
        list(Note.objects.order_by("pk").values_list("text", "speaker_id")),
        list(
            AgendaItem.objects.order_by("pk").values_list(
                "title", "position", "summary", "summary_version", "started_at", "ended_at"
            )
        ),
        AuditEntry.objects.count(),
    )


def console_posts(meeting, cast):
    """(url name, args, data) for every write endpoint of the console, as its page sends them."""
    first, second = meeting.items.in_order()
    victor = Attendance.objects.get(meeting=meeting, person=cast.victor)
    return {
        "console_start": ((), {}),
        "console_adjourn": ((), {}),
        "console_attendance": ((), {"attendance": victor.pk, "status": "absent"}),
        "console_guest": ((), {"name": "Gus Guest", "organisation": "Press"}),
        "console_next_item": ((), {"after": ""}),
        "console_add_item": ((), {"title": "Late item", "kind": "discussion"}),
        "console_open_item": ((second.pk,), {}),
        "console_move_item": ((second.pk,), {"direction": "up"}),
        "console_note": ((first.pk,), {"text": "Victor: one more thing"}),
        "console_summary": ((first.pk,), {"summary": "Rewritten", "version": 1}),
        "item_edit": ((first.pk,), {"title": "Renamed", "kind": "discussion"}),
        "agenda_plan": ((), {"title": "Late item", "kind": "discussion"}),
        "agenda_move": ((second.pk,), {"direction": "up"}),
        "agenda_remove": ((second.pk,), {}),
        "agenda_publish": ((), {}),
    }


# Endpoints that only read, or that are not the record's (corrections are the way in).
NOT_WRITES = {
    "meeting_list",
    "meeting_schedule",
    "meeting_detail",
    "meeting_live",
    "item_notes",
    "live_console",
    "agenda_carry_over",  # tested below: refused with nothing offered
    "apologies",  # tested below: a member's post, answered with a message
    # Proxies refuse an adjourned meeting in their own words (not a correction's):
    # tests/meetings/test_proxies.py, test_a_proxy_the_rules_forbid_is_refused_in_words.
    "proxy_new",
    "proxy_withdraw",
    "corrections",
    "correct_attendance",
    "correct_note",
    "correct_item",
}


def test_every_write_endpoint_of_meetings_is_covered(cast):
    """A new endpoint cannot be forgotten: it is either listed as a console post or read-only."""
    meeting = MeetingFactory(board=cast.board)
    names = {pattern.name for pattern in urls.urlpatterns}
    covered = {
        "console_start",
        "console_adjourn",
        "console_attendance",
        "console_guest",
        "console_next_item",
        "console_add_item",
        "console_open_item",
        "console_move_item",
        "console_note",
        "console_summary",
        "item_edit",
        "agenda_plan",
        "agenda_move",
        "agenda_remove",
        "agenda_publish",
    }
    assert names == covered | NOT_WRITES, names ^ (covered | NOT_WRITES)
    assert meeting  # the listing is of the app's routes, whatever the data


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize(
    "name",
    [
        "console_start",
        "console_adjourn",
        "console_attendance",
        "console_guest",
        "console_next_item",
        "console_add_item",
        "console_open_item",
        "console_move_item",
        "console_note",
        "console_summary",
        "item_edit",
        "agenda_plan",
        "agenda_move",
        "agenda_remove",
        "agenda_publish",
    ],
)
def test_every_console_post_on_an_adjourned_meeting_is_refused(
    cast, client_for, adjourned, name, htmx
):
    args, data = console_posts(adjourned, cast)[name]
    before = state(adjourned)
    client = client_for(cast.sam if name.startswith("agenda") else cast.alice)
    client.raise_request_exception = False
    response = client.post(url(adjourned, name, *args), data, headers=HTMX if htmx else {})
    assert response.status_code == 409, response.text[:500]
    assert CLOSED in response.text
    assert state(adjourned) == before


def test_a_refused_htmx_post_replaces_the_whole_console_with_the_record(
    cast, client_for, adjourned
):
    item = adjourned.items.in_order().first()
    response = client_for(cast.alice).post(
        url(adjourned, "console_note", item.pk), {"text": "Too late"}, headers=HTMX
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#console" and response["HX-Reswap"] == "outerHTML"
    assert response.text.lstrip().startswith('<div id="console"')
    assert "<form" not in response.text and "<textarea" not in response.text


def test_carry_over_and_apologies_on_an_adjourned_meeting_store_nothing(
    cast, client_for, adjourned
):
    before = state(adjourned)
    sam = client_for(cast.sam)
    carried = sam.post(url(adjourned, "agenda_carry_over"), {"items": ["1"]})
    assert carried.status_code == 422
    apologies = client_for(cast.ivan).post(url(adjourned, "apologies"), {})
    assert apologies.status_code == 302
    assert state(adjourned) == before


@pytest.mark.parametrize("name", ["console", "roll", "stream", "summary", "agenda", "panels"])
def test_the_console_of_an_adjourned_meeting_is_the_record_without_controls(
    cast, client_for, adjourned, name
):
    response = client_for(cast.alice).get(
        url(adjourned, "live_console"), {"piece": name}, headers=HTMX
    )
    assert response.status_code == 200
    text = response.text
    assert "<form" not in text and "<button" not in text and "<textarea" not in text
    assert "Victor Voter" in text and "Quorate" in text
    assert "Correct the record" in text


def test_the_minute_taker_sees_the_closed_console_without_the_correction_link(
    cast, client_for, adjourned
):
    Meeting.objects.filter(pk=adjourned.pk).update(minute_taker=cast.nora)
    page = client_for(cast.nora).get(url(adjourned, "live_console")).text
    assert "The meeting is adjourned" in page
    assert "Correct the record</a>" not in page


# -- The services refuse, whoever calls them ---------------------------------------------------


def service_calls(meeting, cast):
    first, second = meeting.items.in_order()
    victor = Attendance.objects.get(meeting=meeting, person=cast.victor)
    first.meeting = second.meeting = victor.meeting = meeting
    details = services.ItemDetails(title="Renamed")
    return {
        "meeting_start": lambda: services.meeting_start(meeting=meeting, actor=cast.alice),
        "meeting_adjourn": lambda: services.meeting_adjourn(meeting=meeting, actor=cast.alice),
        "agenda_item_add": lambda: services.agenda_item_add(
            meeting=meeting, details=details, actor=cast.alice
        ),
        "agenda_item_update": lambda: services.agenda_item_update(
            item=first, details=details, actor=cast.alice
        ),
        "agenda_item_move": lambda: services.agenda_item_move(
            item=second, offset=-1, actor=cast.alice
        ),
        "agenda_item_open": lambda: services.agenda_item_open(item=second, actor=cast.alice),
        "agenda_next_item": lambda: services.agenda_next_item(meeting=meeting, actor=cast.alice),
        "item_summary_update": lambda: services.item_summary_update(
            item=first, summary="Rewritten", expected_version=1, actor=cast.alice
        ),
        "agenda_item_remove": lambda: services.agenda_item_remove(item=second, actor=cast.alice),
        "agenda_items_carry_over": lambda: services.agenda_items_carry_over(
            meeting=meeting, items=[second], actor=cast.alice
        ),
        "agenda_publish": lambda: services.agenda_publish(meeting=meeting, actor=cast.alice),
        "apologies_send": lambda: services.apologies_send(
            meeting=meeting, person=cast.ivan, actor=cast.ivan
        ),
        "apologies_withdraw": lambda: services.apologies_withdraw(
            meeting=meeting, person=cast.ivan, actor=cast.ivan
        ),
        "attendance_mark": lambda: services.attendance_mark(
            meeting=meeting, person=cast.victor, status="absent", actor=cast.alice
        ),
        "attendance_depart": lambda: services.attendance_depart(
            attendance=victor, actor=cast.alice
        ),
        "attendance_add_guest": lambda: services.attendance_add_guest(
            meeting=meeting, name="Gus", organisation_name="", actor=cast.alice
        ),
        "note_record": lambda: services.note_record(
            item=first, text="Victor: more", author=cast.alice
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "meeting_start",
        "meeting_adjourn",
        "agenda_item_add",
        "agenda_item_update",
        "agenda_item_move",
        "agenda_item_open",
        "agenda_next_item",
        "item_summary_update",
        "agenda_item_remove",
        "agenda_items_carry_over",
        "agenda_publish",
        "apologies_send",
        "apologies_withdraw",
        "attendance_mark",
        "attendance_depart",
        "attendance_add_guest",
        "note_record",
    ],
)
def test_every_meeting_service_refuses_an_adjourned_record(cast, adjourned, name):
    before = state(adjourned)
    with pytest.raises(RecordClosed, match="changes only by a correction"):
        service_calls(adjourned, cast)[name]()
    assert state(adjourned) == before


def test_the_lock_for_other_apps_returns_an_adjourned_meeting_for_them_to_refuse(adjourned):
    """Actions and motions refuse in their own words (their views catch their own errors)."""
    with transaction.atomic():
        assert services.meeting_lock_for_change(adjourned).is_adjourned


# -- Issue 8's defects ---------------------------------------------------------------------------


def test_defect_1_a_status_set_by_hand_cannot_leave_a_meeting_that_never_started(cast):
    """Was: status 'in progress' typed in the admin, then Adjourn answered 500."""
    meeting = MeetingFactory(board=cast.board)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(status="in_progress")
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(status="adjourned")
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(started_at=meeting.starts_at)


@pytest.mark.parametrize(
    ("status", "started", "adjourned"),
    [
        ("scheduled", False, False),
        ("in_progress", True, False),
        ("adjourned", True, True),
    ],
)
def test_each_status_goes_with_its_times(cast, status, started, adjourned):
    meeting = MeetingFactory(board=cast.board, status=status)
    assert (meeting.started_at is not None, meeting.adjourned_at is not None) == (
        started,
        adjourned,
    )


def test_defect_1_adjourn_in_the_console_after_an_admin_edit_does_not_fail(cast, client_for):
    staff = cast.sam
    staff.is_staff = staff.is_superuser = True
    staff.save()
    meeting = MeetingFactory(board=cast.board, title="Edited")
    admin = client_for(staff)
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = {
        "board": cast.board.pk,
        "title": "Edited in the admin",
        "kind": "regular",
        "starts_at_0": meeting.starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": meeting.starts_at.strftime("%H:%M:%S"),
        "time_of_day_known": "on",
        "status": "in_progress",  # typed into the request by hand: ignored
        "location": "",
        "dial_in": "",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
    }
    response = admin.post(change, form)
    assert response.status_code == 302, response.text[:2000]
    meeting.refresh_from_db()
    assert meeting.is_scheduled and meeting.title == "Edited in the admin"
    chair = client_for(cast.alice)
    chair.raise_request_exception = False
    adjourn = chair.post(url(meeting, "console_adjourn"), headers=HTMX)
    assert adjourn.status_code == 422
    assert "Only a meeting in progress can be adjourned" in adjourn.text


def test_defect_4_an_adjourned_roll_call_cannot_mark_a_quoted_member_absent(
    cast, client_for, adjourned
):
    """Was: one click marked Victor absent and turned "Quorate" into "Never quorate"."""
    victor = Attendance.objects.get(meeting=adjourned, person=cast.victor)
    before = client_for(cast.nora).get(adjourned.get_absolute_url()).text
    response = client_for(cast.alice).post(
        url(adjourned, "console_attendance"),
        {"attendance": victor.pk, "status": "absent"},
        headers=HTMX,
    )
    assert response.status_code == 409
    victor.refresh_from_db()
    assert victor.status == "present"
    after = client_for(cast.nora).get(adjourned.get_absolute_url()).text
    assert "Never quorate" not in after and ("Quorate" in before) == ("Quorate" in after)


def test_defect_4_an_adjourned_item_cannot_be_renamed_or_resummarised(cast, client_for, adjourned):
    item = adjourned.items.in_order().first()
    chair = client_for(cast.alice)
    renamed = chair.post(url(adjourned, "item_edit", item.pk), {"title": "X", "kind": "decision"})
    summary = chair.post(
        url(adjourned, "console_summary", item.pk), {"summary": "Y", "version": 1}, headers=HTMX
    )
    assert (renamed.status_code, summary.status_code) == (409, 409)
    item.refresh_from_db()
    assert (item.title, item.summary) == ("Item 1", "Agreed.")


def test_defect_6_scheduling_without_a_start_is_a_refusal_in_words(cast):
    with pytest.raises(InvalidSchedule, match="Give the day"):
        services.meeting_schedule(board=cast.board, title="No day", starts_at=None, actor=cast.sam)
    assert not Meeting.objects.filter(title="No day").exists()


def test_defect_7_a_stale_summary_post_on_an_adjourned_meeting_is_refused_not_a_500(
    cast, client_for, adjourned
):
    """Was: the first post rewrote the record, the second (stale version) raised
    NoReverseMatch rendering a conflict for an item the adjourned meeting no longer had."""
    item = adjourned.items.in_order().first()
    chair = client_for(cast.alice)
    chair.raise_request_exception = False
    before = state(adjourned)
    for version in (1, 0):
        response = chair.post(
            url(adjourned, "console_summary", item.pk),
            {"summary": "Rewritten", "version": version},
            headers=HTMX,
        )
        assert response.status_code == 409
        assert CLOSED in response.text
    assert state(adjourned) == before


# -- What other apps add to the console is closed too ------------------------------------------


def test_the_console_panels_of_other_apps_refuse_an_adjourned_meeting(cast, client_for, adjourned):
    from actions.models import ActionItem, ActionUpdate
    from tests.actions.factories import raise_action

    action = raise_action(cast, cast.victor, text="Book the room")
    before = (state(adjourned), ActionItem.objects.count(), ActionUpdate.objects.count())
    chair = client_for(cast.alice)
    added = chair.post(
        reverse("actions:console_add", args=[cast.board.slug, adjourned.pk]),
        {"description": "Too late", "owners": [cast.greta.pk], "due_on": "2024-04-01"},
        headers=HTMX,
    )
    reviewed = chair.post(
        reverse("actions:console_review", args=[cast.board.slug, adjourned.pk, action.pk]),
        {"status": "done", "note": "Done"},
        headers=HTMX,
    )
    assert (added.status_code, reviewed.status_code) == (409, 409)
    assert CLOSED in added.text and CLOSED in reviewed.text
    assert (state(adjourned), ActionItem.objects.count(), ActionUpdate.objects.count()) == before


@pytest.mark.parametrize("line", ["Action Victor: book the room", "Motion: Approve it. Carried."])
def test_lines_other_apps_claim_are_refused_on_an_adjourned_meeting(
    cast, client_for, adjourned, line
):
    from actions.models import ActionItem
    from motions.models import Motion

    item = adjourned.items.in_order().first()
    before = (state(adjourned), ActionItem.objects.count(), Motion.objects.count())
    response = client_for(cast.alice).post(
        url(adjourned, "console_note", item.pk), {"text": line}, headers=HTMX
    )
    assert response.status_code == 409 and CLOSED in response.text
    assert (state(adjourned), ActionItem.objects.count(), Motion.objects.count()) == before
