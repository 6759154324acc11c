"""Second-factor devices in the admin (governance/device_admin.py): listed, removed with an audit
entry on the person's boards, never added, edited or shown with their secret."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast, client_for):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    return client_for(cast.sam)


@pytest.fixture
def phone(cast):
    return TOTPDevice.objects.create(user=cast.victor, name="Victor's phone", confirmed=True)


def test_staff_removes_a_lost_device_and_the_board_sees_it(cast, admin_client, phone):
    url = reverse("admin:otp_totp_totpdevice_delete", args=[phone.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=phone.pk).exists()
    entry = AuditEntry.objects.get(action="two_factor.device_remove")
    assert entry.board == cast.board and entry.actor == cast.sam
    assert (
        entry.summary == "Sam Secretary removed Victor Voter's authenticator app “Victor's phone”"
    )


def test_removing_several_from_the_list_audits_each(cast, admin_client, phone):
    codes = StaticDevice.objects.create(user=cast.greta, name="Recovery codes", confirmed=True)
    url = reverse("admin:otp_static_staticdevice_changelist")
    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": [codes.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not StaticDevice.objects.exists()
    assert AuditEntry.objects.filter(action="two_factor.device_remove").count() == 1


def test_no_device_is_added_edited_or_shown_with_its_secret(admin_client, phone):
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    change = reverse("admin:otp_totp_totpdevice_change", args=[phone.pk])
    page = admin_client.get(change)
    assert page.status_code == 200  # read only
    assert phone.key not in page.text
    assert admin_client.post(change, {"name": "Renamed", "key": "00"}).status_code == 403
    phone.refresh_from_db()
    assert phone.name == "Victor's phone"
    # django-otp's pages that show an authenticator's key and QR code are not there at all.
    for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}", args=[phone.pk])
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{phone.pk}/qrcode/").status_code != 200


def test_a_member_cannot_reach_the_device_admin(cast, client_for, phone):
    response = client_for(cast.victor).post(
        reverse("admin:otp_totp_totpdevice_delete", args=[phone.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and "/login" in response.url
    assert TOTPDevice.objects.filter(pk=phone.pk).exists()
