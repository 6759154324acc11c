"""Browser journeys: the chair runs the roll call and records a note; a member watching the
meeting page sees it appear without reloading."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance, Note
from meetings.services import ItemDetails
from tests.meetings.factories import (
    AgendaItemFactory,
    MeetingFactory,
    NoteFactory,
    started_meeting,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_marks_attendance_until_quorate_and_records_a_note(cast, new_page, live_server):
    meeting = MeetingFactory(board=cast.board, title="March 2024", starts_at=timezone.now())
    AgendaItemFactory(meeting=meeting, title="Budget Update")
    page = new_page(cast.alice)
    page.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    page.get_by_role("button", name="Start the meeting").click()
    expect(page.locator("#console h1")).to_contain_text("Live")
    badge = page.locator("#roll [data-quorum]")
    expect(badge).to_have_text("2 organisations short of quorum")

    page.locator(".roll-toggle", has_text="Victor Voter").click()
    expect(badge).to_have_text("1 organisation short of quorum")
    page.locator(".roll-toggle", has_text="Nora Nonvoting").click()
    expect(page.locator(".roll-toggle", has_text="Nora Nonvoting")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(badge).to_have_text("1 organisation short of quorum")
    page.locator(".roll-toggle", has_text="Greta Globex").click()
    expect(badge).to_have_text("Quorate: 2 of 2 required")
    expect(badge).to_have_class(re.compile("chip-ok"))

    note = page.locator("#note-text")
    note.fill("Greta: the numbers add up")
    note.press("Enter")
    expect(page.locator("#notes")).to_contain_text("Greta: the numbers add up")
    expect(page.locator("#note-text")).to_have_value("")
    expect(page.locator("#saved-mark")).to_contain_text("Note saved")

    page.locator("#note-text").fill("Zed: nobody by that name")
    page.locator("#note-text").press("Enter")
    expect(page.locator("#note-error")).to_contain_text("Nobody present answers to “Zed”")
    expect(page.locator("#note-text")).to_have_value("Zed: nobody by that name")

    assert Note.objects.get().speaker.person == cast.greta
    assert Attendance.objects.filter(status="present").count() == 3


def test_member_sees_a_new_note_within_two_seconds_without_reloading(cast, new_page, live_server):
    meeting = started_meeting(cast.board, actor=cast.alice)
    url = live_server.url + reverse("meetings:meeting_detail", args=[cast.board.slug, meeting.pk])
    member = new_page(cast.victor)
    member.goto(url)
    member.evaluate("window.__sameDocument = true")
    expect(member.locator("[data-status]").first).to_have_text("Live")

    chair = new_page(cast.alice)
    chair.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    chair.locator(".roll-toggle", has_text="Victor Voter").click()
    expect(chair.locator("#roll [data-quorum]")).to_have_text("1 organisation short of quorum")
    chair.locator("#note-text").fill("Victor: we should approve the budget")
    chair.locator("#note-text").press("Enter")
    expect(chair.locator("#notes")).to_contain_text("we should approve the budget")

    expect(member.locator(".note-stream")).to_contain_text(
        "we should approve the budget", timeout=2_000
    )
    expect(member.locator("#attendance")).to_contain_text("Victor Voter")
    assert member.evaluate("window.__sameDocument") is True  # no reload happened

    chair.once("dialog", lambda dialog: dialog.accept())
    chair.get_by_role("button", name="Adjourn").click()
    expect(member.locator("[data-status]").first).to_contain_text("Adjourned", timeout=2_000)
    expect(member.locator("#record")).to_have_attribute("data-meeting-status", "adjourned")
    expect(member.locator("#live-indicator")).to_have_attribute("data-state", "ended")


def test_member_signed_out_elsewhere_is_told_instead_of_a_silent_page(cast, new_page, live_server):
    """The poll signs in by the session: a password change (or a logout) ends it, and the page
    says so rather than swapping the sign-in page into the record or going quiet."""
    meeting = started_meeting(cast.board, actor=cast.alice)
    url = live_server.url + reverse("meetings:meeting_detail", args=[cast.board.slug, meeting.pk])
    member = new_page(cast.victor)
    member.goto(url)
    indicator = member.locator("#live-indicator")
    expect(indicator).to_have_attribute("data-state", "live")
    polls = []
    poll_path = reverse("meetings:meeting_live", args=[cast.board.slug, meeting.pk])
    member.on(
        "request",
        lambda request: (
            request.url.startswith(live_server.url + poll_path) and polls.append(request.url)
        ),
    )
    cast.victor.set_password("a-new-and-long-passphrase")
    cast.victor.save()

    expect(indicator).to_have_attribute("data-state", "signed-out", timeout=3_000)
    expect(indicator).to_contain_text("Signed out — reload to sign in again")
    expect(member.locator("#record")).to_be_visible()
    expect(member.locator("#record")).not_to_contain_text("Log in to Boardroom")
    assert polls and all(polled.startswith(live_server.url + poll_path + "?v=") for polled in polls)
    count = len(polls)
    member.wait_for_timeout(2_500)
    assert len(polls) == count  # polling stopped


def test_member_page_takes_a_note_and_a_new_item_from_partial_answers(cast, new_page, live_server):
    meeting = started_meeting(cast.board, with_items=3, actor=cast.alice)
    for item in meeting.items.all():
        NoteFactory.create_batch(2, item=item, author=cast.sam, text=f"Said under {item.title}")
    meeting.refresh_from_db()
    url = live_server.url + reverse("meetings:meeting_detail", args=[cast.board.slug, meeting.pk])
    poll_path = reverse("meetings:meeting_live", args=[cast.board.slug, meeting.pk])
    member = new_page(cast.victor)
    member.goto(url)
    member.evaluate("window.__sameDocument = true")
    expect(member.locator("#live-indicator")).to_have_attribute("data-state", "live")

    def answered(response):
        return poll_path in response.url and response.status == 200

    current = meeting.current_item
    # The first change after the page loaded: its version was never rendered for the live
    # view, so the whole record comes.
    with member.expect_response(answered) as first:
        services.note_record(item=current, text="A first point", author=cast.alice)
    assert "data-live-since" not in first.value.text()
    expect(member.locator(f"#{current.anchor} .note-stream")).to_contain_text("A first point")

    with member.expect_response(answered) as second:
        services.note_record(item=current, text="Only this note travels", author=cast.alice)
    partial = second.value.text()
    # The note alone: none of the item's other notes, nor any other item.
    assert "data-live-notes" in partial and "Said under" not in partial
    assert "A first point" not in partial
    expect(member.locator(f"#{current.anchor} .note-stream")).to_contain_text(
        "Only this note travels"
    )
    expect(member.locator("#live-announcer")).to_contain_text("New note: Only this note travels")

    with member.expect_response(answered) as third:
        item = services.agenda_item_add(
            meeting=meeting, details=ItemDetails(title="Any other business"), actor=cast.alice
        )
    assert "data-live-order" in third.value.text()
    expect(member.locator(f"#{item.anchor} h2")).to_contain_text("4. Any other business")
    expect(member.locator("#agenda")).to_contain_text("Any other business")
    expect(member.locator("#record > [data-live-block]").last).to_have_id(item.anchor)
    expect(member.locator("#record .note")).to_have_count(3 * 2 + 2)
    assert member.evaluate("window.__sameDocument") is True  # no reload happened
    member.screenshot(path="test-artifacts/live-delta-member.png", full_page=True)


def test_member_page_takes_roll_call_marks_and_the_next_item_as_parts(cast, new_page, live_server):
    """A roll-call mark and the next item send only the lines that changed (an organisation's
    attendees, the count, "Absent:", the quorum line; two agenda entries); the page, patched
    by them, reads as the same page loaded afresh."""
    from tests.meetings.factories import attend

    meeting = started_meeting(cast.board, with_items=3, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, cast.ivan, actor=cast.alice)
    meeting.refresh_from_db()
    url = live_server.url + reverse("meetings:meeting_detail", args=[cast.board.slug, meeting.pk])
    poll_path = reverse("meetings:meeting_live", args=[cast.board.slug, meeting.pk])
    member = new_page(cast.nora)
    member.goto(url)
    member.evaluate("window.__sameDocument = true")
    expect(member.locator("#live-indicator")).to_have_attribute("data-state", "live")

    def answered(response):
        return poll_path in response.url and response.status == 200

    # The first change renders the version the page shows for everyone: the whole record.
    with member.expect_response(answered):
        services.note_record(item=meeting.current_item, text="A first point", author=cast.alice)
    steps = [
        lambda: services.attendance_mark(
            meeting=meeting, person=cast.greta, status="absent", actor=cast.alice
        ),
        lambda: services.agenda_next_item(
            meeting=meeting, after=meeting.current_item_id, actor=cast.alice
        ),
        lambda: services.attendance_mark(
            meeting=meeting, person=cast.greta, status="present", actor=cast.alice
        ),
    ]
    for step in steps:
        with member.expect_response(answered) as answer:
            step()
        assert "data-live-parts" in answer.value.text()
        member.wait_for_timeout(300)  # the answer applied
        fresh = new_page(cast.nora)
        fresh.goto(url)
        for block in ("#attendance", "#agenda"):
            shown = member.locator(block).inner_text()
            assert " ".join(shown.split()) == " ".join(fresh.locator(block).inner_text().split())
        fresh.close()
    expect(member.locator("#attendance")).to_contain_text("Greta")
    assert member.evaluate("window.__sameDocument") is True  # no reload happened
    member.screenshot(path="test-artifacts/live-parts-member.png", full_page=True)
