"""Two-factor sign-in: who must use it, and the few writes that turn it on, renew or remove it.

The devices are django-otp's: a TOTP device (an authenticator app) and a static device holding
one-use recovery codes. Who must use a second factor is decided once per sign-in and kept in the
session (`STATE_KEY`), so pages pay no query for it:

- "verify": the person has a device and has not yet given a code in this session;
- "enrol": their role requires a second factor and they have no device yet;
- "optional": neither; they may still turn it on from their profile.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import audit
from governance.models import TWO_FACTOR_ROLES, Board, Seat, User

STATE_KEY = "two_factor"
VERIFY, ENROL, OPTIONAL = "verify", "enrol", "optional"
RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for one another when copied from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def required_for(user: User) -> bool:
    """Officers (chair, secretary, treasurer) and staff with admin access must use a second
    factor.

    A board may waive this for its officers (the demo board does, and says so on its
    dashboard); staff are waived only when every board they sit on waives it, so a superuser
    without a seat always needs a second factor.
    """
    if not settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS:
        return False
    seats = list(
        Seat.objects.current(timezone.localdate())
        .filter(person=user)
        .values_list("role", "board__officers_skip_two_factor")
    )
    if user.is_staff or user.is_superuser:
        return not seats or not all(waived for _, waived in seats)
    return any(role in TWO_FACTOR_ROLES and not waived for role, waived in seats)


def state_for(user: User) -> str:
    if user_has_device(user, confirmed=True):
        return VERIFY
    return ENROL if required_for(user) else OPTIONAL


def status_of(user: User) -> dict:
    """What the profile shows: is it on, since when, how many recovery codes are left."""
    app = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-created_at").first()
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return {"app": app, "recovery_codes_left": codes, "required": required_for(user)}


def pending_app_for(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up: one per person, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def app_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the new authenticator with a code it shows; replaces any earlier one.

    Returns fresh recovery codes (shown once), or None when the code does not match.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed or not device.verify_token(token):
        return None
    had_one = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    if had_one:
        _record(user, "two_factor.replace", f"{user.full_name} replaced their authenticator app")
    else:
        _record(user, "two_factor.enable", f"{user.full_name} turned on two-factor sign-in")
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    _record(user, "two_factor.recovery_codes", f"{user.full_name} made new recovery codes")
    return codes


@transaction.atomic
def two_factor_remove(*, user: User, actor: User) -> None:
    """Removes every device: the person's own choice, or staff helping someone who lost theirs."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if actor == user:
        summary = f"{user.full_name} turned off two-factor sign-in"
    else:
        summary = f"{actor.full_name} removed two-factor sign-in for {user.full_name}"
    _record(user, "two_factor.remove", summary, actor=actor)


@transaction.atomic
def device_remove(*, device, actor: User) -> None:
    """Removes one device (staff in the admin, for someone who lost a phone), audited."""
    user = device.user
    kind = "authenticator app" if isinstance(device, TOTPDevice) else "recovery codes"
    type(device).objects.filter(pk=device.pk).delete()
    if actor == user:
        summary = f"{user.full_name} removed their {kind} “{device.name}”"
    else:
        summary = f"{actor.full_name} removed {user.full_name}'s {kind} “{device.name}”"
    _record(user, "two_factor.device_remove", summary, actor=actor)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalise_code(code: str) -> str:
    """People type recovery codes with spaces, dashes or capitals, and app codes with spaces."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _record(user: User, action: str, summary: str, *, actor: User | None = None) -> None:
    """Each board the person sits on keeps the change in its audit log."""
    boards = Board.objects.filter(Q(seats__person=user)).distinct()
    for board in boards:
        audit.record(board=board, actor=actor or user, action=action, target=user, summary=summary)
