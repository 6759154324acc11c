"""Shared by the sign-in tests: codes an authenticator app would show, and enrolled people."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import two_factor
from tests.conftest import PASSWORD


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` 30-second steps later, for a
    second sign-in in the same test: a code is accepted once)."""
    device.refresh_from_db()
    step_now = int((time.time() - device.t0) // device.step)
    # Never a step the device has already accepted.
    offset = max(steps_ahead, device.last_t + 1 - step_now)
    if offset > device.tolerance:
        raise AssertionError("no fresh code inside the device's tolerance")
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Turns on two-factor sign-in for `user` through the service, as the setup page does."""
    device = two_factor.pending_app_for(user)
    codes = two_factor.app_confirm(user=user, device=device, token=app_code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def sign_in_with_app(client: Client, user, device: TOTPDevice):
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("signin_verify")
    return client.post(reverse("signin_verify"), {"code": app_code(device)})
