"""Minutes in the admin are read-only; circulating and publishing call the minutes services."""

import pytest
from django.urls import reverse

from governance.models import AuditEntry
from minutes.models import Minutes, MinutesStatus, Revision
from tests.integrity.admin_forms import messages_of, signed_in_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast, client_for):
    return signed_in_superuser(cast.sam, client_for)


def test_minutes_and_their_revisions_are_read_only(admin_client, draft):
    revision = draft.revisions.get()
    for model, row in ((Minutes, draft), (Revision, revision)):
        name = f"admin:minutes_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200
        assert admin_client.post(reverse(f"{name}_change", args=[row.pk]), {}).status_code == 403
        delete = reverse(f"{name}_delete", args=[row.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        assert admin_client.get(reverse(f"{name}_add")).status_code == 403
    assert Minutes.objects.get(pk=draft.pk).text == draft.text


def test_circulating_in_the_admin_calls_the_service(cast, admin_client, draft):
    response = admin_client.post(
        reverse("admin:minutes_minutes_changelist"),
        {"action": "minutes_circulate", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert Minutes.objects.get(pk=draft.pk).status == MinutesStatus.CIRCULATED
    assert AuditEntry.objects.get(action="minutes.circulate").actor == cast.sam


def test_publishing_a_draft_in_the_admin_is_refused_with_a_message(admin_client, draft):
    admin_client.post(
        reverse("admin:minutes_minutes_changelist"),
        {"action": "minutes_publish", "_selected_action": [draft.pk]},
    )
    assert "only once the board has approved them" in messages_of(admin_client)
    assert Minutes.objects.get(pk=draft.pk).status == MinutesStatus.DRAFT
    assert not AuditEntry.objects.filter(action="minutes.publish").exists()


def test_delete_selected_is_not_offered(admin_client, draft):
    admin_client.post(
        reverse("admin:minutes_minutes_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )
    assert Minutes.objects.filter(pk=draft.pk).exists()
