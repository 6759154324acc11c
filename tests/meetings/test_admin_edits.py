"""An edit in the admin reaches live views and the audit log, as a service's change does."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from governance.models import AuditEntry
from meetings.models import AgendaItem, Attendance, Meeting, Note
from tests.meetings.factories import NoteFactory, attend, started_meeting

pytestmark = pytest.mark.django_db


def edited(meeting, model, author):
    """The object as the admin holds it: freshly loaded for the request."""
    if model is Note:
        NoteFactory(item=meeting.items.first(), author=author)
    lookup = {Meeting: {"pk": meeting.pk}, AgendaItem: {"meeting": meeting}}
    return model.objects.filter(**lookup.get(model, {})).first()


@pytest.mark.parametrize("model", [Meeting, AgendaItem, Attendance, Note])
@pytest.mark.parametrize("action", ["save", "delete"])
def test_an_admin_edit_bumps_the_live_version_and_is_audited(cast, model, action):
    meeting = started_meeting(cast.board, actor=cast.alice)
    attend(meeting, cast.victor, actor=cast.alice)
    obj = edited(meeting, model, cast.alice)
    before = Meeting.objects.get(pk=meeting.pk).live_version
    request = RequestFactory().post("/admin/")
    request.user = cast.sam
    model_admin = admin.site._registry[model]

    if action == "save":
        model_admin.save_model(request, obj, form=None, change=True)
    else:
        model_admin.delete_model(request, obj)

    if model is Meeting and action == "delete":
        assert not Meeting.objects.filter(pk=meeting.pk).exists()
        return
    assert Meeting.objects.get(pk=meeting.pk).live_version > before
    entry = AuditEntry.objects.filter(board=cast.board).first()
    assert entry.actor == cast.sam
    assert "in the admin" in entry.summary
