"""Browser journey: a member names a proxy from the meeting page, with the keyboard, and the
record then says who holds the vote.

Set BOARDROOM_SHOTS=<dir> to keep screenshots of the pages."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Proxy
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend
from tests.meetings.test_browser_scheduling import PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_names_a_proxy_and_the_record_says_who_holds_the_vote(cast, new_page, live_server):
    board = cast.board
    board.proxies_from_other_organisations = True
    board.save()
    start = timezone.now() + dt.timedelta(hours=2)
    meeting = MeetingFactory(board=board, title="June 2031", starts_at=start)
    AgendaItemFactory(meeting=meeting, position=1, title="Budget")

    page = new_page(cast.ivan)
    page.goto(live_server.url + meeting.get_absolute_url())
    expect(page.get_by_role("heading", name="Proxies")).to_be_visible()
    holder = page.get_by_label("Who holds your vote")
    holder.focus()
    holder.select_option(label="Greta Globex")
    page.get_by_label("Note (optional)").fill("Travelling that day")
    shoot(page, "proxy-form")
    page.keyboard.press("Tab")  # to the button, then press it from the keyboard
    expect(page.get_by_role("button", name="Name a proxy")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Greta Globex holds your vote")
    expect(page.locator("[data-own-proxy]")).to_contain_text("Greta Globex holds your vote")
    shoot(page, "proxy-named")
    assert Proxy.objects.get().holder == cast.greta

    phone = new_page(cast.ivan, viewport=PHONE)
    phone.goto(live_server.url + meeting.get_absolute_url())
    expect(phone.get_by_role("button", name="Withdraw my proxy")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "proxy-phone")

    # The meeting runs without Ivan: Greta holds Initech's vote, and the record says so.
    services.meeting_start(meeting=meeting, actor=cast.alice, confirm_other_day=True)
    attend(meeting, cast.alice, cast.victor, cast.alan, cast.greta)
    reader = new_page(cast.nora)
    reader.goto(live_server.url + meeting.get_absolute_url())
    attendees = reader.locator("#attendance")
    expect(attendees).to_contain_text("Greta Globex (holds Initech's vote)")
    expect(attendees).to_contain_text("Alan Alternate (alternate, not voting)")
    shoot(reader, "record-holds-vote")
