"""Correct the record: the chair or a secretary, a stated reason, a confirmation step; kept as a
row with before and after, audited, shown beside what it changed, quorum recomputed."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from governance.models import AuditEntry
from meetings import admin_services, corrections, services
from meetings.errors import CorrectionRefused, RecordClosed
from meetings.models import AgendaItem, Attendance, Correction, Meeting, Note
from meetings.queries import meeting_record
from tests.meetings.factories import MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.board.slug, meeting.pk, *args])


def hhmm(moment):
    return moment.astimezone(LONDON).strftime("%H:%M")


def adjourned_meeting(board, people, *, actor, items=2, notes=1):
    meeting = started_meeting(board, with_items=items, actor=actor)
    attend(meeting, *people, actor=actor, at=meeting.started_at)
    for index in range(notes):
        services.note_record(item=meeting.current_item, text=f"Statement {index}", author=actor)
    services.meeting_adjourn(
        meeting=meeting, actor=actor, at=meeting.started_at + dt.timedelta(hours=2)
    )
    return Meeting.objects.get(pk=meeting.pk)


@pytest.fixture
def adjourned(cast):
    return adjourned_meeting(cast.board, [cast.victor, cast.greta], actor=cast.alice)


@pytest.fixture
def greta(adjourned, cast):
    return Attendance.objects.get(meeting=adjourned, person=cast.greta)


def departure_form(adjourned, minutes=40, reason="Greta left at 16:40, not at the end"):
    return {
        "status": "present",
        "arrived_0": hhmm(adjourned.started_at),
        "left_0": hhmm(adjourned.started_at + dt.timedelta(minutes=minutes)),
        "reason": reason,
    }


# -- The journey through the pages -------------------------------------------------------------


def test_a_departure_is_corrected_in_two_steps_and_shown_beside_the_attendee(
    cast, client_for, adjourned, greta
):
    chair = client_for(cast.alice)
    page = url(adjourned, "correct_attendance", greta.pk)
    assert chair.get(page).status_code == 200
    version = adjourned.live_version
    before_timeline = meeting_record(adjourned).timeline_text

    review = chair.post(page, departure_form(adjourned))
    assert review.status_code == 200
    assert "Confirm the correction" in review.text
    left_at = adjourned.started_at + dt.timedelta(minutes=40)
    assert f"{hhmm(adjourned.started_at)} GMT to the end" in review.text
    assert f"{hhmm(adjourned.started_at)} GMT to {hhmm(left_at)} GMT" in review.text
    assert not Correction.objects.exists()  # nothing stored before the confirmation

    done = chair.post(page, {**departure_form(adjourned), "confirm": "1"})
    assert done.status_code == 302
    correction = Correction.objects.get()
    assert correction.kind == "attendance" and correction.attendance == greta
    opened = adjourned.started_at.isoformat()
    assert correction.before == {"stretches": [[opened, None]]}
    assert correction.after == {"stretches": [[opened, left_at.isoformat()]]}
    assert correction.made_by == cast.alice and correction.reason.startswith("Greta left")
    assert greta.left_at == adjourned.started_at + dt.timedelta(minutes=40)
    meeting = Meeting.objects.get(pk=adjourned.pk)
    assert meeting.live_version == version + 1
    entry = AuditEntry.objects.filter(action="meeting.correct").get()
    assert entry.actor == cast.alice and "stretches" in entry.changes

    shown = client_for(cast.nora).get(adjourned.get_absolute_url()).text
    assert "by Alice Chair: Greta left at 16:40, not at the end" in shown
    after_timeline = meeting_record(meeting).timeline_text
    assert after_timeline != before_timeline
    assert after_timeline == (
        f"Quorate from {hhmm(adjourned.started_at)} GMT; inquorate from {hhmm(left_at)} GMT"
    )
    assert after_timeline in shown


def test_change_it_goes_back_to_the_form_with_what_was_typed(cast, client_for, adjourned, greta):
    response = client_for(cast.alice).post(
        url(adjourned, "correct_attendance", greta.pk), {**departure_form(adjourned), "edit": "1"}
    )
    assert response.status_code == 200
    left_at = adjourned.started_at + dt.timedelta(minutes=40)
    assert "Review the correction" in response.text and hhmm(left_at) in response.text
    assert not Correction.objects.exists()


def test_a_statement_is_corrected_with_its_speaker(cast, client_for, adjourned):
    note = Note.objects.get()
    victor = Attendance.objects.get(meeting=adjourned, person=cast.victor)
    data = {"text": "Statement 0, as said", "speaker": victor.pk, "reason": "Victor said it"}
    chair = client_for(cast.sam)
    review = chair.post(url(adjourned, "correct_note", note.pk), data)
    assert review.status_code == 200 and "no speaker" in review.text
    assert (
        chair.post(url(adjourned, "correct_note", note.pk), {**data, "confirm": "1"}).status_code
        == 302
    )
    note.refresh_from_db()
    assert (note.text, note.speaker) == ("Statement 0, as said", victor)
    page = client_for(cast.nora).get(adjourned.get_absolute_url()).text
    assert "by Sam Secretary: Victor said it" in page


def test_an_item_summary_correction_moves_its_version_on(cast, client_for, adjourned):
    item = adjourned.items.in_order().first()
    data = {"title": item.title, "summary": "Carried unanimously.", "reason": "Outcome missing"}
    client_for(cast.alice).post(url(adjourned, "correct_item", item.pk), {**data, "confirm": "1"})
    item.refresh_from_db()
    assert item.summary == "Carried unanimously." and item.summary_version == 1
    assert Correction.objects.get().after == {"summary": "Carried unanimously."}


# -- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),  # to the sign-in page
        ("olga", 404),  # another board's
        ("nora", 403),  # a non-voting member
        ("victor", 403),  # a voting member
        ("minute_taker", 403),  # kept the record, does not overrule it
        ("presiding", 200),  # chaired this meeting
        ("alice", 200),  # the board's chair
        ("sam", 200),  # a secretary
    ],
)
@pytest.mark.parametrize(
    "page", ["corrections", "correct_attendance", "correct_note", "correct_item"]
)
def test_who_may_correct_the_record(cast, client_for, adjourned, greta, who, status, page):
    args = {
        "corrections": (),
        "correct_attendance": (greta.pk,),
        "correct_note": (Note.objects.get().pk,),
        "correct_item": (adjourned.items.first().pk,),
    }[page]
    if who == "minute_taker":
        Meeting.objects.filter(pk=adjourned.pk).update(minute_taker=cast.ivan)
        user = cast.ivan
    elif who == "presiding":
        Meeting.objects.filter(pk=adjourned.pk).update(chair=cast.greta)
        user = cast.greta
    else:
        user = getattr(cast, who) if who else None
    client = client_for(user)
    assert client.get(url(adjourned, page, *args)).status_code == status
    if page == "correct_attendance":
        posted = client.post(
            url(adjourned, page, *args), {**departure_form(adjourned), "confirm": "1"}
        )
        assert posted.status_code == (302 if status == 200 else status)
        assert Correction.objects.exists() == (status == 200)


def test_the_meeting_chair_replaces_the_board_chair_for_corrections(cast, adjourned):
    Meeting.objects.filter(pk=adjourned.pk).update(chair=cast.greta)
    meeting = Meeting.objects.get(pk=adjourned.pk)
    assert corrections.may_correct(cast.greta, meeting)
    assert not corrections.may_correct(cast.alice, meeting)
    assert corrections.may_correct(cast.sam, meeting)


def test_the_correct_the_record_link_shows_only_to_who_may(cast, client_for, adjourned):
    link = url(adjourned, "corrections")
    assert link in client_for(cast.alice).get(adjourned.get_absolute_url()).text
    assert link in client_for(cast.sam).get(url(adjourned, "live_console")).text
    assert link not in client_for(cast.victor).get(adjourned.get_absolute_url()).text


# -- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_correction_without_a_reason_is_refused_with_nothing_saved(
    cast, client_for, adjourned, greta, reason
):
    before = (greta.presence, AuditEntry.objects.count(), adjourned.live_version)
    response = client_for(cast.alice).post(
        url(adjourned, "correct_attendance", greta.pk),
        {**departure_form(adjourned, reason=reason), "confirm": "1"},
    )
    assert response.status_code == 422
    assert "Say why the record is corrected" in response.text
    meeting = Meeting.objects.get(pk=adjourned.pk)
    assert (greta.presence, AuditEntry.objects.count(), meeting.live_version) == before
    assert not Correction.objects.exists()
    with pytest.raises(CorrectionRefused, match="Say why"):
        corrections.attendance_correct(
            attendance=greta,
            actor=cast.alice,
            reason=reason,
            status="absent",
            stretches=[],
        )
    assert not Correction.objects.exists()


def test_the_database_refuses_a_correction_without_a_reason(cast, adjourned, greta):
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.create(
            meeting=adjourned, kind="attendance", attendance=greta, reason="  ", made_by=cast.alice
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.create(
            meeting=adjourned, kind="note", attendance=greta, reason="Why", made_by=cast.alice
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"left_0": "23:59"}, "The meeting ran from"),
        ({"arrived_0": "12:00"}, "The meeting ran from"),
        ({"arrived_0": 60, "left_0": 30}, "cannot leave at"),
        ({"left_0": ""}, "Nothing changes"),
        ({"left_0": "nonsense"}, "Enter a valid time"),
        ({"left_0": 30, "arrived_new": 20}, "The stretches overlap"),
        ({"left_0": 30, "arrived_new": 50, "left_new": 45}, "cannot leave at"),
        ({"left_0": "", "arrived_new": 50}, "runs to the end"),
        ({"remove_0": "on"}, "Give at least one stretch"),
        ({"status": "maybe"}, "Select a valid choice"),
    ],
)
def test_a_correction_that_cannot_be_is_said_in_words(
    cast, client_for, adjourned, greta, data, message
):
    data = {
        name: hhmm(adjourned.started_at + dt.timedelta(minutes=value))
        if isinstance(value, int)
        else value
        for name, value in data.items()
    }
    response = client_for(cast.alice).post(
        url(adjourned, "correct_attendance", greta.pk),
        {**departure_form(adjourned), **data, "confirm": "1"},
    )
    assert response.status_code == 422
    assert message in response.text
    assert not Correction.objects.exists()


def test_a_meeting_in_progress_is_not_corrected_but_recorded(cast, client_for):
    meeting = started_meeting(cast.board, actor=cast.alice)
    (victor,) = attend(meeting, cast.victor, actor=cast.alice, at=meeting.started_at)
    with pytest.raises(CorrectionRefused, match="while the meeting runs"):
        corrections.attendance_correct(
            attendance=victor,
            actor=cast.alice,
            reason="Why",
            status="absent",
            stretches=[],
        )
    page = client_for(cast.alice).get(url(meeting, "corrections")).text
    assert "has not adjourned" in page


def test_the_service_checks_who_corrects_whoever_calls_it(cast, adjourned, greta):
    with pytest.raises(CorrectionRefused, match="chair or a secretary"):
        corrections.attendance_correct(
            attendance=greta,
            actor=cast.victor,
            reason="Because",
            status="absent",
            stretches=[],
        )
    assert not Correction.objects.exists()


def test_a_speaker_from_another_meeting_is_refused(cast, adjourned):
    other = adjourned_meeting(cast.board, [cast.ivan], actor=cast.alice, notes=0)
    stranger = Attendance.objects.get(meeting=other)
    with pytest.raises(CorrectionRefused, match="speaker recorded present"):
        corrections.note_correct(
            note=Note.objects.get(), actor=cast.alice, reason="Who", text="x", speaker=stranger
        )


# -- Queries -----------------------------------------------------------------------------------


def grow(cast, meeting, size):
    """`size` more items with a note each, and a correction on each item."""
    for index in range(size):
        item = AgendaItem.objects.create(
            meeting=meeting, position=10 + index, title=f"Extra {index}"
        )
        Note.objects.create(item=item, text=f"Extra note {index}", author=cast.alice)
        corrections.item_correct(
            item=item,
            actor=cast.alice,
            reason=f"Reason {index}",
            title=f"Fixed {index}",
            summary="",
        )


@pytest.mark.parametrize("name", ["corrections", "meeting_detail"])
def test_pages_with_corrections_cost_the_same_queries_at_two_sizes(
    cast, client_for, adjourned, django_assert_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.sam)
    client.get(url(adjourned, name))  # the session's first request costs its own queries
    counts = []
    for size in (1, 6):
        grow(cast, adjourned, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(adjourned, name))
        assert response.status_code == 200
        assert response.text.count("Corrected on") >= size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- Defect 3 (notes) and the admin --------------------------------------------------------------


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    request._messages = []
    return request


def test_defect_3_deleting_notes_in_the_admin_is_audited_and_wakes_live_pages(cast, client_for):
    meeting = started_meeting(cast.board, actor=cast.alice)
    notes = [
        services.note_record(item=meeting.current_item, text=f"Note {n}", author=cast.alice)
        for n in range(2)
    ]
    version = Meeting.objects.get(pk=meeting.pk).live_version
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    response = client_for(cast.sam).post(
        reverse("admin:meetings_note_changelist"),
        {"action": "delete_selected", "_selected_action": [n.pk for n in notes], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Note.objects.exists()
    entries = AuditEntry.objects.filter(action="note.delete")
    assert entries.count() == 2 and all(e.actor == cast.sam for e in entries)
    assert all(e.changes["text"][1] is None for e in entries)
    assert Meeting.objects.get(pk=meeting.pk).live_version == version + 2


def test_defect_3_after_adjournment_a_note_is_not_deleted_only_corrected(
    cast, client_for, adjourned
):
    note = Note.objects.get()
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    staff = client_for(cast.sam)
    assert (
        staff.post(
            reverse("admin:meetings_note_delete", args=[note.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    bulk = staff.post(
        reverse("admin:meetings_note_changelist"),
        {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    with pytest.raises(RecordClosed):
        admin_services.note_delete(note=note, actor=cast.sam)
    assert Note.objects.filter(pk=note.pk).exists()


def test_the_admin_shows_an_adjourned_meeting_read_only_with_the_correction_link(
    cast, client_for, adjourned
):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    page = client_for(cast.sam).get(reverse("admin:meetings_meeting_change", args=[adjourned.pk]))
    assert page.status_code == 200
    assert url(adjourned, "corrections") in page.text
    assert 'name="title"' not in page.text and 'name="status"' not in page.text


def test_admin_actions_start_and_adjourn_through_the_services(cast, client_for):
    meeting = MeetingFactory(board=cast.board, starts_at=dt.datetime.now(dt.UTC))
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    staff = client_for(cast.sam)
    changelist = reverse("admin:meetings_meeting_changelist")
    staff.post(changelist, {"action": "start_meetings", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.is_in_progress and meeting.started_at is not None
    staff.post(changelist, {"action": "adjourn_meetings", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.is_adjourned
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"meeting.start", "meeting.adjourn"} <= actions
    again = staff.post(
        changelist, {"action": "start_meetings", "_selected_action": [meeting.pk]}, follow=True
    )
    assert "changes only by a correction" in again.text


def test_admin_saves_are_services_audited_field_by_field(cast, client_for):
    meeting = MeetingFactory(board=cast.board, location="Room 1")
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    request = admin_request(cast.sam)
    model_admin = admin.site._registry[Meeting]
    form_class = model_admin.get_form(request, meeting, change=True)
    data = {
        "title": meeting.title,
        "kind": "regular",
        "starts_at_0": meeting.starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": meeting.starts_at.strftime("%H:%M:%S"),
        "time_of_day_known": "on",
        "location": "Room 2",
        "dial_in": "",
    }
    form = form_class(data, instance=meeting)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.instance, form, change=True)
    entry = AuditEntry.objects.get(action="meeting.update")
    assert entry.changes == {"location": ["Room 1", "Room 2"]}
    assert Meeting.objects.get(pk=meeting.pk).live_version == meeting.live_version + 1


def test_the_roll_call_audits_each_change_before_and_after(cast):
    meeting = started_meeting(cast.board, actor=cast.alice)
    (victor,) = attend(meeting, cast.victor, actor=cast.alice, at=meeting.started_at)
    left = meeting.started_at + dt.timedelta(minutes=5)
    services.attendance_depart(attendance=victor, actor=cast.alice, at=left)
    marked = AuditEntry.objects.get(action="attendance.mark")
    departed = AuditEntry.objects.get(action="attendance.depart")
    assert marked.changes["status"] == [None, "present"]
    opened = meeting.started_at.isoformat()
    assert departed.changes == {"stretches": [[[opened, None]], [[opened, left.isoformat()]]]}
