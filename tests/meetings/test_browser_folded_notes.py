"""Browser journey: a long record folds its notes; a member opens an item's notes with the
keyboard and reads them, loaded there and then."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.meetings.factories import NoteFactory, started_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_opens_a_folded_items_notes_with_the_keyboard(cast, new_page, live_server):
    meeting = started_meeting(cast.board, with_items=21, actor=cast.alice)
    for item in meeting.items.all():
        NoteFactory.create_batch(10, item=item, author=cast.sam, text=f"Said under {item.title}")
    meeting = Meeting.objects.get(pk=meeting.pk)
    folded = meeting.items.exclude(pk=meeting.current_item_id).order_by("position").first()
    page = new_page(cast.victor)
    page.goto(
        live_server.url + reverse("meetings:meeting_detail", args=[cast.board.slug, meeting.pk])
    )
    current = page.locator(f"#{meeting.current_item.anchor}")
    expect(current.locator(".note")).to_have_count(10)  # the current item's notes are open
    item = page.locator(f"#{folded.anchor}")
    expect(item.locator("summary")).to_have_text("Notes 10")
    expect(item.locator(".note")).to_have_count(0)  # not sent with the page

    item.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(item.locator("details")).to_have_attribute("open", "")
    expect(item.locator(".note")).to_have_count(10)
    expect(item.locator(".note-stream")).to_contain_text(f"Said under {folded.title}")
    item.scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/folded-notes-open.png")
