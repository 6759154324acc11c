"""Browser journeys before a meeting: the secretary schedules it and builds its agenda; a member
sends apologies; the chair sees "no margin"; a member's page opened before the start goes live
when the chair starts; the chair's unsaved note survives following a link.

Set BOARDROOM_SHOTS=<dir> to keep a desktop and a 390 px screenshot of each page."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance, Meeting
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def shoot(page, name):
    folder = os.environ.get("BOARDROOM_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def test_secretary_schedules_a_meeting_and_builds_its_agenda(cast, new_page, live_server):
    page = new_page(cast.sam)
    page.goto(live_server.url + reverse("meetings:meeting_list", args=[cast.board.slug]))
    page.get_by_role("link", name="Schedule a meeting").click()
    expect(page.get_by_role("heading", name="Schedule a meeting")).to_be_visible()
    page.get_by_label("Kind").select_option("regular")
    page.get_by_label("Title").fill("July 2031")
    page.get_by_label("Date").fill("2031-07-17")
    page.get_by_label("Starts at").fill("16:00")
    page.get_by_label("Planned end").fill("17:30")
    page.get_by_label("Place").fill("Conference call")
    shoot(page, "schedule-form")
    page.get_by_role("button", name="Schedule the meeting").click()

    expect(page.get_by_role("heading", name="Agenda: July 2031")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Scheduled “July 2031”")
    for title, minutes in (("Welcome and roll call", "5"), ("Budget 2032", "30")):
        page.get_by_label("Title").fill(title)
        page.get_by_label("Kind").select_option("decision")
        page.get_by_label("Planned minutes").fill(minutes)
        page.get_by_label("Presenter").select_option(label="Greta Globex")
        page.get_by_role("button", name="Add to the agenda").click()
        expect(page.locator(".plan-items")).to_contain_text(title)
    page.get_by_role("button", name="Move “Budget 2032” up").click()
    expect(page.locator(".plan-item").first).to_contain_text("Budget 2032")
    expect(page.locator(".plan-items")).to_contain_text("Greta Globex")
    expect(page.get_by_text("35 min planned")).to_be_visible()
    expect(page.locator("[data-expected]")).to_contain_text("3 of 3 expected: margin of 1")
    page.get_by_role("button", name="Publish the agenda").click()
    expect(page.locator(".messages")).to_contain_text("The agenda is published")
    shoot(page, "agenda-plan")

    meeting = Meeting.objects.get()
    assert meeting.agenda_published_at is not None
    assert [item.title for item in meeting.items.in_order()] == [
        "Budget 2032",
        "Welcome and roll call",
    ]
    phone = new_page(cast.sam, viewport=PHONE)
    phone.goto(
        live_server.url + reverse("meetings:agenda_plan", args=[cast.board.slug, meeting.pk])
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "agenda-plan-phone")
    phone.goto(live_server.url + reverse("meetings:meeting_schedule", args=[cast.board.slug]))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "schedule-form-phone")


def test_member_sends_apologies_and_withdraws_them(cast, new_page, live_server):
    meeting = MeetingFactory(
        board=cast.board, title="June", starts_at=timezone.now() + dt.timedelta(days=5)
    )
    AgendaItemFactory(meeting=meeting, title="Security process")
    services.agenda_publish(meeting=meeting, actor=cast.sam)
    page = new_page(cast.greta)
    page.goto(live_server.url + reverse("dashboard", args=[cast.board.slug]))
    card = page.locator(".next-meeting-card")
    expect(card).to_contain_text("Security process")
    card.get_by_role("link", name="Send apologies").click()
    expect(page.locator("#your-attendance")).to_contain_text("You are expected for Globex")
    page.get_by_role("button", name="Send apologies").click()
    expect(page.locator("#your-attendance")).to_contain_text("You have sent apologies")
    expect(page.locator("#attendance")).to_contain_text("Apologies: Greta Globex (Globex)")
    shoot(page, "meeting-apologies")
    assert Attendance.objects.get(meeting=meeting, person=cast.greta).status == "apologies"

    phone = new_page(cast.greta, viewport=PHONE)
    phone.goto(live_server.url + meeting.get_absolute_url())
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "meeting-apologies-phone")

    page.get_by_role("button", name="Withdraw my apologies").click()
    expect(page.locator("#your-attendance")).to_contain_text("You are expected")
    assert not Attendance.objects.filter(meeting=meeting).exists()
    page.goto(live_server.url + reverse("dashboard", args=[cast.board.slug]))
    shoot(page, "dashboard-next-meeting")


def test_chair_sees_no_margin(cast, new_page, live_server):
    cast.board.quorum_count = 3
    cast.board.save()
    meeting = MeetingFactory(
        board=cast.board, title="June", starts_at=timezone.now() + dt.timedelta(days=5)
    )
    services.apologies_send(meeting=meeting, person=cast.nora, actor=cast.nora)
    page = new_page(cast.alice)
    page.goto(live_server.url + meeting.get_absolute_url())
    expect(page.locator("#expected [data-expected]")).to_have_text("3 of 3 expected: no margin")
    page.locator("#expected summary").click()
    expect(page.locator("#expected")).to_contain_text("Victor Voter")
    expect(page.locator(".apologies-list")).to_contain_text("Nora Nonvoting")
    shoot(page, "meeting-expected")


def test_members_page_opened_before_the_start_goes_live_when_the_chair_starts(
    cast, new_page, live_server
):
    meeting = MeetingFactory(
        board=cast.board, title="Today", starts_at=timezone.now() + dt.timedelta(minutes=30)
    )
    AgendaItemFactory(meeting=meeting, title="Welcome")
    member = new_page(cast.victor)
    member.goto(live_server.url + meeting.get_absolute_url())
    member.evaluate("window.__sameDocument = true")
    indicator = member.locator("#live-indicator")
    expect(indicator).to_contain_text("Waiting for the start")
    expect(member.locator("[data-status]").first).to_have_text("Scheduled")

    chair = new_page(cast.alice)
    chair.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    chair.get_by_role("button", name="Start the meeting").click()
    expect(chair.locator("#start-notice")).to_contain_text("Meeting started without quorum")

    expect(member.locator("[data-status]").first).to_have_text("Live", timeout=3_000)
    expect(indicator).to_contain_text("Live: this page follows the meeting")
    expect(indicator).to_have_attribute("data-state", "live")
    assert member.evaluate("window.__sameDocument") is True
    shoot(member, "meeting-live")

    chair.once("dialog", lambda dialog: dialog.accept())
    chair.get_by_role("button", name="Adjourn").click()
    expect(indicator).to_contain_text("Ended", timeout=3_000)


def test_live_page_says_reconnecting_after_a_failed_poll(cast, new_page, live_server):
    meeting = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(minutes=5))
    member = new_page(cast.victor)
    member.goto(live_server.url + meeting.get_absolute_url())
    indicator = member.locator("#live-indicator")
    expect(indicator).to_have_attribute("data-state", "waiting")
    member.route("**/live/**", lambda route: route.abort())
    expect(indicator).to_have_attribute("data-state", "reconnecting", timeout=3_000)
    expect(indicator).to_contain_text("Reconnecting")
    member.unroute("**/live/**")
    expect(indicator).to_have_attribute("data-state", "waiting", timeout=3_000)


def test_chairs_unsaved_note_survives_following_a_link(cast, new_page, live_server):
    meeting = MeetingFactory(board=cast.board, starts_at=timezone.now())
    AgendaItemFactory(meeting=meeting, title="Welcome")
    services.meeting_start(meeting=meeting, actor=cast.alice)
    console = live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    chair = new_page(cast.alice)
    chair.goto(console)
    chair.locator("#note-text").fill("Victor: half a thought")
    chair.locator("#summary-text").fill("Half a summary")
    asked = []
    chair.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    chair.get_by_role("link", name="Members' view").click()
    expect(chair.get_by_role("heading", name=meeting.title)).to_be_visible()
    assert asked == ["beforeunload"]
    chair.goto(console)
    expect(chair.locator("#note-text")).to_have_value("Victor: half a thought")
    expect(chair.locator("#summary-text")).to_have_value("Half a summary")
    # Saved, the draft is gone: coming back shows an empty box.
    chair.locator("#note-text").fill("Welcome, everyone")
    chair.locator("#note-text").press("Enter")
    expect(chair.locator("#notes")).to_contain_text("Welcome, everyone")
    chair.get_by_role("button", name="Save summary").click()
    expect(chair.locator("#saved-mark")).to_contain_text("Summary saved")
    chair.goto(console)
    expect(chair.locator("#note-text")).to_have_value("")
    expect(chair.locator("#summary-text")).to_have_value("Half a summary")
