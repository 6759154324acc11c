"""Browser journey: the chair opens an adjourned meeting, corrects a departure time with a
reason, confirms; the meeting page shows the correction and the recomputed quorum line.

Set BOARDROOM_SHOTS=<dir> to keep a desktop and a 390 px screenshot of each page."""

import datetime as dt
import os
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from governance.models import AuditEntry
from meetings import services
from meetings.models import Attendance, Correction, Meeting
from tests.meetings.factories import attend, started_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = zoneinfo.ZoneInfo("Europe/London")
PHONE = {"width": 390, "height": 844}


def shoot(page, name):
    folder = os.environ.get("BOARDROOM_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def hhmm(moment):
    return moment.astimezone(LONDON).strftime("%H:%M")


def test_chair_corrects_a_departure_and_the_record_shows_it(cast, new_page, live_server):
    meeting = started_meeting(cast.board, with_items=2, actor=cast.alice)
    start = meeting.started_at
    attend(meeting, cast.victor, cast.greta, actor=cast.alice, at=start)
    services.note_record(item=meeting.current_item, text="Greta: we agree", author=cast.alice)
    services.meeting_adjourn(meeting=meeting, actor=cast.alice, at=start + dt.timedelta(hours=2))
    meeting = Meeting.objects.get(pk=meeting.pk)
    left = start + dt.timedelta(minutes=40)

    page = new_page(cast.alice)
    page.goto(live_server.url + meeting.get_absolute_url())
    expect(page.locator("#record-status")).to_contain_text(f"Quorate from {hhmm(start)}")
    page.get_by_role("link", name="Correct the record").click()

    expect(page.get_by_role("heading", name="Correct the record")).to_be_visible()
    shoot(page, "corrections-list")
    page.get_by_role("link", name="Correct the attendance of Greta Globex").click()
    expect(
        page.get_by_role("heading", name="Correct the attendance of Greta Globex")
    ).to_be_visible()
    page.get_by_label("Stretch 1: left at").fill(hhmm(left))
    page.get_by_label("Why is the record corrected?").fill(
        f"Greta left at {hhmm(left)}, not at the end"
    )
    shoot(page, "correction-form")
    page.get_by_role("button", name="Review the correction").click()

    expect(page.get_by_role("heading", name="Confirm the correction")).to_be_visible()
    changes = page.locator(".correction-changes")
    expect(changes).to_contain_text(f"{hhmm(start)} GMT to the end")
    expect(changes).to_contain_text(f"{hhmm(start)} GMT to {hhmm(left)} GMT")
    assert not Correction.objects.exists()
    shoot(page, "correction-confirm")
    page.get_by_role("button", name="Correct the record").click()

    expect(page.locator(".messages")).to_contain_text("Record corrected")
    expect(page.locator("#attendance .corrected")).to_contain_text(
        f"by Alice Chair: Greta left at {hhmm(left)}, not at the end"
    )
    expect(page.locator("#record-status")).to_contain_text(
        f"Quorate from {hhmm(start)} GMT; inquorate from {hhmm(left)} GMT"
    )
    expect(page.locator("#corrections")).to_contain_text("In the room:")
    shoot(page, "corrected-meeting")
    page.set_viewport_size(PHONE)
    shoot(page, "corrected-meeting-phone")

    greta = Attendance.objects.get(meeting=meeting, person=cast.greta)
    assert greta.left_at == left
    entry = AuditEntry.objects.get(action="meeting.correct")
    assert entry.changes["stretches"][0] == [[start.isoformat(), None]]
    assert entry.changes["stretches"][1] == [[start.isoformat(), left.isoformat()]]

    # The console of the adjourned meeting is the record, with the same link and no controls.
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    expect(page.locator("#record-closed")).to_be_visible()
    expect(page.locator("#console form")).to_have_count(0)
    shoot(page, "closed-console")
