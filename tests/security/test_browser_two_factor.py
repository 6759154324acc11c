"""A chair's first sign-in on a real board: password, then setting up the authenticator app from
the QR page's key, recovery codes shown once, and the next sign-in asking for a code."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """What the person's app shows, from the key printed under the QR code."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, 30, 0, 6, steps_ahead):06d}"


def test_chair_sets_up_two_factor_and_signs_in_with_it(cast, new_page, live_server, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS = True
    page = new_page()
    page.goto(live_server.url + reverse("dashboard", args=[cast.board.slug]))
    page.get_by_label("Email address").fill(cast.alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("Your role on the board requires a second factor")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    # Nothing else is reachable before the app is set up.
    page.goto(live_server.url + reverse("members_directory", args=[cast.board.slug]))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()

    secret = page.locator(".secret").inner_text()
    field = page.get_by_label("Type the six-digit code the app now shows")
    field.fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not match")
    page.wait_for_timeout(1500)  # after a wrong code the device waits a second (throttling)
    page.get_by_label("Type the six-digit code the app now shows").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    expect(page.get_by_text("On", exact=True)).to_be_visible()
    page.reload()
    assert page.locator(".recovery-codes li").count() == 0

    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email address").fill(cast.alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your second factor")).to_be_visible()
    page.get_by_label("Code").fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Test Board")).to_be_visible()
