"""Browser journey: the chair writes in the console, each answer only the piece that changed
(issue 14): notes appended to the stream, a roll-call line with the quorum, the agenda moving
on with the new item's notes loading after. Nothing is lost, the cursor stays where it was."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Note
from tests.conftest import ARTIFACTS
from tests.meetings.factories import AgendaItemFactory, attend, started_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_writes_notes_marks_the_roll_and_moves_through_the_agenda(
    cast, new_page, live_server
):
    meeting = started_meeting(cast.board, with_items=0, actor=cast.alice)
    first = AgendaItemFactory(meeting=meeting, position=1, title="Budget Update")
    AgendaItemFactory(meeting=meeting, position=2, title="Workshop plans")
    from meetings import services

    services.agenda_item_open(item=first, actor=cast.alice)
    attend(meeting, cast.victor, cast.greta, actor=cast.alice)
    page = new_page(cast.alice)
    page.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    notes, box = page.locator("#notes"), page.locator("#note-text")
    expect(notes.locator(".empty")).to_be_visible()

    for text in ("Victor: the figures are in", "Greta: agreed", "Plain remark"):
        box.fill(text)
        box.press("Enter")
        expect(notes.locator(".note").last).to_contain_text(text.split(": ")[-1])
        expect(box).to_have_value("")
        expect(box).to_be_focused()
    expect(notes.locator(".note")).to_have_count(3)
    expect(notes.locator(".empty")).to_be_hidden()
    assert notes.locator(".note").all_inner_texts()[0].startswith("Victor: the figures are in")

    # A refusal keeps the text and says why next to the box; choosing then saves it.
    box.fill("Zed: who?")
    box.press("Enter")
    expect(page.locator("#note-error")).to_contain_text("Nobody present answers to “Zed”")
    expect(page.locator("#note-text")).to_have_value("Zed: who?")
    page.get_by_role("button", name="Save without a speaker").click()
    expect(notes.locator(".note")).to_have_count(4)
    expect(page.locator("#note-text")).to_have_value("")

    # The roll: the line and the quorum change; the focus stays on the person.
    badge = page.locator("#roll [data-quorum]")
    expect(badge).to_have_text("Quorate: 2 of 2 required")
    toggle = page.locator(".roll-toggle", has_text="Greta Globex")
    toggle.focus()
    toggle.press("Enter")
    expect(badge).to_have_text("1 organisation short of quorum")
    expect(page.locator(".roll-toggle", has_text="Greta Globex")).to_be_focused()
    expect(page.locator("#roll .roll-head")).to_contain_text("2 recorded present")
    page.locator(".roll-toggle", has_text="Ivan Initech").click()
    expect(badge).to_have_text("Quorate: 2 of 2 required")
    expect(page.locator(".roll-toggle", has_text="Ivan Initech")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.screenshot(path=ARTIFACTS / "console-after-notes.png", full_page=True)

    # Next item: the column for it, its (empty) stream loading after; the box has the cursor.
    box = page.locator("#note-text")
    box.focus()
    box.press("Alt+ArrowDown")
    expect(page.locator("#current-heading")).to_have_text("Workshop plans")
    expect(page.locator("#notes .empty")).to_be_visible()
    expect(page.locator("#note-text")).to_be_focused()
    page.locator("#note-text").fill("Venue booked")
    page.locator("#note-text").press("Enter")
    expect(page.locator("#notes .note")).to_have_count(1)

    # Back to the first item from the agenda: its four notes load into the stream.
    page.locator(".agenda-jump", has_text="Budget Update").click()
    expect(page.locator("#current-heading")).to_have_text("Budget Update")
    expect(page.locator("#notes .note")).to_have_count(4)
    expect(page.locator(".agenda-entry.is-current")).to_contain_text("Budget Update")
    expect(page.locator(".agenda-entry.is-done")).to_contain_text("Workshop plans")
    # "Next item" now expects the item open again: it moves on once, not twice.
    page.locator("#note-text").press("Alt+ArrowDown")
    expect(page.locator("#current-heading")).to_have_text("Workshop plans")
    expect(page.locator("#notes .note")).to_have_count(1)
    assert Note.objects.filter(item__meeting=meeting).count() == 5
