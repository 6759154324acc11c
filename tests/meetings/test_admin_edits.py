"""The meetings admin is a caller of services, not a second write path: every save and delete
it offers is audited (field by field) and reaches live views; what it may not do, it refuses."""

import pytest
from django.urls import reverse

from governance.models import AuditEntry
from meetings.models import AgendaItem, Attendance, Meeting, Note
from meetings.services import note_record
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend, started_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast, client_for):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    client = client_for(cast.sam)
    client.raise_request_exception = False
    return client


@pytest.fixture
def running(cast):
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice)
    attend(meeting, cast.victor, actor=cast.alice, at=meeting.started_at)
    note_record(item=meeting.current_item, text="Said", author=cast.alice)
    return Meeting.objects.get(pk=meeting.pk)


def version(meeting):
    return Meeting.objects.get(pk=meeting.pk).live_version


def change_url(obj):
    return reverse(f"admin:meetings_{obj._meta.model_name}_change", args=[obj.pk])


def delete_url(obj):
    return reverse(f"admin:meetings_{obj._meta.model_name}_delete", args=[obj.pk])


def meeting_form(meeting, **changes):
    local = meeting.starts_at
    return {
        "board": meeting.board_id,
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "time_of_day_known": "on",
        "location": meeting.location,
        "dial_in": "",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_meeting_edit_in_the_admin_is_audited_and_wakes_live_pages(cast, staff, running):
    before = version(running)
    response = staff.post(change_url(running), meeting_form(running, location="Room 9"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="meeting.update")
    assert entry.actor == cast.sam and entry.changes == {"location": ["Conference call", "Room 9"]}
    assert version(running) == before + 1


def test_a_started_meeting_keeps_its_start_in_the_admin(cast, staff, running):
    form = meeting_form(running, starts_at_1="09:00:00")
    response = staff.post(change_url(running), form, follow=True)
    assert "its start no longer moves" in response.text
    assert Meeting.objects.get(pk=running.pk).starts_at == running.starts_at


def test_an_item_edit_in_the_admin_goes_through_the_service(cast, staff, running):
    item = running.items.get()
    before = version(running)
    response = staff.post(
        change_url(item),
        {
            "title": "Renamed",
            "kind": item.kind,
            "planned_minutes": "10",
            "description": "",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    assert AgendaItem.objects.get(pk=item.pk).title == "Renamed"
    entry = AuditEntry.objects.get(action="agenda_item.update")
    assert entry.changes["title"] == [item.title, "Renamed"]
    assert version(running) == before + 1


def test_items_added_inline_on_a_scheduled_meeting_are_added_by_the_service(cast, staff):
    meeting = MeetingFactory(board=cast.board)
    form = meeting_form(
        meeting,
        **{
            "items-TOTAL_FORMS": "1",
            "items-0-title": "Budget",
            "items-0-kind": "decision",
            "items-0-planned_minutes": "15",
        },
    )
    response = staff.post(change_url(meeting), form)
    assert response.status_code == 302, response.text[:3000]
    item = meeting.items.get()
    assert (item.title, item.position) == ("Budget", 1)
    assert AuditEntry.objects.filter(action="agenda_item.add").exists()


@pytest.mark.parametrize("model", [Attendance, Note])
def test_attendance_and_statements_are_not_edited_in_the_admin(cast, staff, running, model):
    obj = model.objects.first()
    before = (version(running), AuditEntry.objects.count())
    assert staff.get(change_url(obj)).status_code == 200  # read, not edited
    response = staff.post(change_url(obj), {"status": "absent", "text": "Changed"})
    assert response.status_code == 403
    assert (version(running), AuditEntry.objects.count()) == before


def test_attendance_is_never_deleted_in_the_admin(cast, staff, running):
    attendance = Attendance.objects.get()
    assert staff.post(delete_url(attendance), {"post": "yes"}).status_code == 403
    assert Attendance.objects.filter(pk=attendance.pk).exists()


def test_a_statement_deleted_while_the_meeting_runs_is_audited(cast, staff, running):
    note = Note.objects.get()
    before = version(running)
    assert staff.post(delete_url(note), {"post": "yes"}).status_code == 302
    assert not Note.objects.exists()
    entry = AuditEntry.objects.get(action="note.delete")
    assert entry.actor == cast.sam and entry.changes["text"] == ["Said", None]
    assert version(running) == before + 1


def test_a_started_meeting_and_its_items_are_record_and_not_deleted(cast, staff, running):
    item = running.items.get()
    assert staff.post(delete_url(running), {"post": "yes"}).status_code == 403
    assert staff.post(delete_url(item), {"post": "yes"}).status_code == 403
    assert Meeting.objects.filter(pk=running.pk).exists()
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_scheduled_meeting_deleted_in_the_admin_is_audited(cast, staff):
    meeting = MeetingFactory(board=cast.board)
    AgendaItemFactory(meeting=meeting)
    response = staff.post(delete_url(meeting), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    entry = AuditEntry.objects.get(action="meeting.delete")
    assert entry.actor == cast.sam and entry.changes["title"] == [meeting.title, None]


def test_status_and_times_are_read_only_in_the_admin(cast, staff):
    meeting = MeetingFactory(board=cast.board)
    page = staff.get(change_url(meeting)).text
    for field in ("status", "started_at", "adjourned_at", "live_version"):
        assert f'name="{field}' not in page


def test_bulk_delete_of_meetings_is_not_offered(cast, staff):
    MeetingFactory(board=cast.board)
    page = staff.get(reverse("admin:meetings_meeting_changelist")).text
    assert "delete_selected" not in page
    assert "start_meetings" in page and "adjourn_meetings" in page


def test_a_meeting_added_in_the_admin_is_scheduled_by_the_service(cast, staff):
    form = meeting_form(MeetingFactory.build(board=cast.board, title="Added"), title="Added")
    response = staff.post(reverse("admin:meetings_meeting_add"), form)
    assert response.status_code == 302, response.text[:3000]
    meeting = Meeting.objects.get(title="Added")
    assert meeting.is_scheduled
    entry = AuditEntry.objects.get(action="meeting.schedule")
    assert entry.actor == cast.sam and entry.target_id == str(meeting.pk)


def test_a_clash_in_the_admin_is_a_message_with_nothing_saved(cast, staff):
    taken = MeetingFactory(board=cast.board)
    form = meeting_form(
        MeetingFactory.build(board=cast.board, starts_at=taken.starts_at), title="Clash"
    )
    response = staff.post(reverse("admin:meetings_meeting_add"), form, follow=True)
    assert response.status_code == 200
    assert "Nothing was saved" in response.text or "already has a meeting" in response.text
    assert not Meeting.objects.filter(title="Clash").exists()


def test_an_item_removed_in_the_admin_is_audited_as_that_item(cast, staff):
    meeting = MeetingFactory(board=cast.board)
    item = AgendaItemFactory(meeting=meeting, title="Dropped")
    assert staff.post(delete_url(item), {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get(action="agenda_item.remove")
    assert (entry.target_type, entry.target_id) == ("meetings.agendaitem", str(item.pk))
    assert entry.changes["title"] == ["Dropped", None]
