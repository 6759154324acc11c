"""Browser journey: the chair records a member leaving and coming back, at times typed in the
roll call; the quorum chip follows and the record says "left …, back …"."""

import datetime as dt
import os
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance
from tests.meetings.factories import attend, started_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = zoneinfo.ZoneInfo("Europe/London")


def shoot(page, name):
    folder = os.environ.get("BOARDROOM_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def hhmm(moment):
    return moment.astimezone(LONDON).strftime("%H:%M")


def test_chair_records_a_departure_and_a_return_and_the_record_shows_both(
    cast, new_page, live_server
):
    start = (timezone.now() - dt.timedelta(minutes=50)).replace(second=0, microsecond=0)
    meeting = started_meeting(cast.board, actor=cast.alice, at=start)
    attend(meeting, cast.victor, cast.greta, actor=cast.alice, at=start)
    left, back = start + dt.timedelta(minutes=20), start + dt.timedelta(minutes=40)
    zone = start.astimezone(LONDON).tzname()

    page = new_page(cast.alice)
    page.goto(
        live_server.url + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    )
    badge = page.locator("#roll [data-quorum]")
    expect(badge).to_have_text("Quorate: 2 of 2 required")
    shoot(page, "presence-console-before")

    # By keyboard: type the time, Enter records the departure (the form's one button, "Left").
    expect(page.get_by_role("button", name="Left: record Greta Globex leaving")).to_be_visible()
    page.get_by_label("When Greta Globex left").fill(hhmm(left))
    page.get_by_label("When Greta Globex left").press("Enter")
    expect(badge).to_have_text("1 organisation short of quorum")
    expect(page.locator(".roll-entry", has_text="Greta Globex")).to_contain_text(
        f"Left {hhmm(left)}"
    )
    expect(page.locator("#saved-mark")).to_contain_text(f"Greta Globex: left {hhmm(left)}")
    shoot(page, "presence-console-left")

    page.get_by_label("When Greta Globex came back").fill(hhmm(back))
    page.get_by_role("button", name="Back: record Greta Globex coming back").click()
    # Focus stays where the chair was: on the same button, now "Left".
    expect(page.get_by_role("button", name="Left: record Greta Globex leaving")).to_be_focused()
    expect(badge).to_have_text("Quorate: 2 of 2 required")
    expect(page.locator("#roll .roll-head")).to_contain_text(
        f"Quorate from {hhmm(start)} {zone}; inquorate from {hhmm(left)} {zone}; "
        f"quorate again from {hhmm(back)} {zone}"
    )
    shoot(page, "presence-console-back")

    member = new_page(cast.nora)
    member.goto(live_server.url + meeting.get_absolute_url())
    expect(member.locator("#attendance")).to_contain_text(
        f"Greta Globex left {hhmm(left)} {zone}, back {hhmm(back)} {zone}"
    )
    shoot(member, "presence-record")

    greta = Attendance.objects.get(meeting=meeting, person=cast.greta)
    assert list(greta.stretches.values_list("arrived_at", "departed_at")) == [
        (start, left),
        (back, None),
    ]
