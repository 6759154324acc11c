"""The Content-Security-Policy holds on real pages: Chromium enforces it and reports nothing
blocked while a secretary walks the demo board, the admin and a live console driven by htmx."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from governance.models import Board, User
from meetings.models import Meeting, MeetingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_pages_and_htmx_run_with_nothing_blocked(new_page, live_server):
    call_command("demo", no_serve=True)
    board = Board.objects.get()
    sarah = User.objects.get(email="sarah.conway@demo.boardroom.example")
    record = Meeting.objects.get(board=board, title="May 2014")
    upcoming = Meeting.objects.filter(board=board, status=MeetingStatus.SCHEDULED).first()
    page = new_page(sarah)
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: blocked.append(str(error)))

    base = f"{live_server.url}/b/{board.slug}"
    for path in (
        "/",
        "/members/",
        "/meetings/",
        f"/meetings/{record.pk}/",
        "/budget/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.goto(f"{live_server.url}/admin/").status == 200
    expect(page.get_by_role("link", name="Boardroom administration")).to_be_visible()

    # htmx runs under the policy: starting the meeting swaps the console in place.
    page.goto(f"{base}/meetings/{upcoming.pk}/console/")
    page.get_by_role("button", name="Start the meeting").click()
    # The demo's next meeting is weeks away: starting it today asks first (htmx swaps the
    # question in, which is itself what this test wants to see working under the policy).
    page.get_by_role("button", name="Start it now, held today").click()
    expect(page.locator("#console h1")).to_contain_text("Live")
    assert page.evaluate("typeof htmx") == "object"
    assert blocked == []
