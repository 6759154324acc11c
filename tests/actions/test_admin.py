"""Actions in the admin go through the actions services: raised, updated and closed with an
entry in their history and the audit log; never deleted."""

import datetime as dt

import pytest
from django.urls import reverse

from actions.models import ActionItem, ActionStatus
from governance.models import AuditEntry
from tests.actions.factories import raise_action
from tests.integrity.admin_forms import form_data, signed_in_superuser, with_values

pytestmark = pytest.mark.django_db

ADD = "admin:actions_actionitem_add"


@pytest.fixture
def admin_client(cast, client_for):
    return signed_in_superuser(cast.sam, client_for)


def test_an_action_added_in_the_admin_is_raised_by_the_service(cast, admin_client):
    data = with_values(
        form_data(admin_client, reverse(ADD)),
        {"board": cast.board.pk, "description": "Book the hall", "owners": [cast.victor.pk]},
    )
    response = admin_client.post(reverse(ADD), data)
    assert response.status_code == 302  # was a 500: no change message for the history inline
    action = ActionItem.objects.get(description="Book the hall")
    assert list(action.owners.all()) == [cast.victor]
    assert AuditEntry.objects.get(action="action.record").actor == cast.sam


def test_an_owner_without_a_seat_is_refused_with_a_message(cast, admin_client):
    data = with_values(
        form_data(admin_client, reverse(ADD)),
        {"board": cast.board.pk, "description": "Book the hall", "owners": [cast.olga.pk]},
    )
    response = admin_client.post(reverse(ADD), data)
    assert response.status_code == 200 and "holds no seat" in response.text
    assert "Book the hall" in response.text  # what was typed is kept
    assert not ActionItem.objects.exists()


def test_a_change_in_the_admin_is_audited_with_before_and_after(cast, admin_client):
    action = raise_action(cast, cast.victor)
    change = reverse("admin:actions_actionitem_change", args=[action.pk])
    data = with_values(form_data(admin_client, change), {"due_on": "2030-01-31", "note": "Soon"})
    assert admin_client.post(change, data).status_code == 302
    entry = AuditEntry.objects.get(action="action.update")
    assert entry.changes["due_on"] == [None, "2030-01-31"]
    assert entry.changes["note"] == [None, "Soon"]
    assert ActionItem.objects.get(pk=action.pk).due_on == dt.date(2030, 1, 31)


def test_saving_nothing_new_says_so(cast, admin_client):
    action = raise_action(cast, cast.victor)
    change = reverse("admin:actions_actionitem_change", args=[action.pk])
    response = admin_client.post(change, form_data(admin_client, change))
    assert response.status_code == 200 and "Write a progress note" in response.text
    assert not AuditEntry.objects.filter(action="action.update").exists()


def test_status_actions_are_audited_and_delete_is_refused(cast, admin_client):
    action = raise_action(cast, cast.victor)
    changelist = reverse("admin:actions_actionitem_changelist")
    admin_client.post(changelist, {"action": "mark_done", "_selected_action": [action.pk]})
    assert ActionItem.objects.get(pk=action.pk).status == ActionStatus.DONE
    entry = AuditEntry.objects.get(action="action.update")
    assert entry.changes["status"] == [ActionStatus.OPEN, ActionStatus.DONE]
    delete = reverse("admin:actions_actionitem_delete", args=[action.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [action.pk], "post": "yes"}
    )
    assert ActionItem.objects.filter(pk=action.pk).exists()
