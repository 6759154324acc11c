"""Browser journeys: a live vote from two devices, what a non-voting member sees, and an
inquorate motion turned into a ballot that a member votes on from the dashboard."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services as meeting_services
from meetings.models import Attendance
from motions import services
from motions.models import Method, Motion, Status
from tests.conftest import ARTIFACTS as SHOTS
from tests.meetings.factories import attend, started_meeting
from tests.motions.conftest import opened, put

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_meeting(cast):
    start = timezone.now() - dt.timedelta(hours=1)
    meeting = started_meeting(cast.board, with_items=1, actor=cast.alice, at=start)
    attend(meeting, cast.alice, cast.victor, cast.alan, cast.greta, cast.nora, cast.ivan, at=start)
    return meeting


def test_vote_holder_votes_live_and_chair_sees_the_count_then_the_outcome(
    cast, live_meeting, new_page, live_server
):
    motion = opened(cast, live_meeting, text="Approve spending for the Hackathon, up to USD 3,000")
    address = live_server.url + motion.get_absolute_url()
    chair = new_page(cast.alice)
    chair.goto(address)
    expect(chair.locator("[data-count=voted]")).to_have_text("0")
    member = new_page(cast.victor, viewport={"width": 390, "height": 844})
    member.goto(address)
    for_button = member.get_by_role("button", name="For", exact=True)
    box = for_button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    member.evaluate("window.__samePage = true")
    for_button.click()
    expect(member.locator("[data-my-vote]")).to_have_text("For")
    expect(chair.locator("[data-count=voted]")).to_have_text("1", timeout=6000)
    member.screenshot(path=f"{SHOTS}/motion-vote-390.png", full_page=True)
    chair.screenshot(path=f"{SHOTS}/motion-chair-desktop.png", full_page=True)
    chair.get_by_role("button", name="Close the vote and count").click()
    expect(chair.locator("#result-heading")).to_have_text("Carried")
    # The member's open page reloads itself to show the outcome.
    expect(member.locator("#result-heading")).to_have_text("Carried", timeout=8000)
    expect(member.locator(".result-words")).to_contain_text("1 for, 0 against, 0 abstaining")
    member.screenshot(path=f"{SHOTS}/motion-closed-390.png", full_page=True)
    chair.screenshot(path=f"{SHOTS}/motion-closed-desktop.png", full_page=True)
    chair.goto(live_server.url + reverse("motions:motion_list", args=[cast.board.slug]))
    expect(chair.locator("h1")).to_have_text("Motions and ballots")
    chair.screenshot(path=f"{SHOTS}/motion-list-desktop.png", full_page=True)
    assert Motion.objects.get(pk=motion.pk).status == Status.CLOSED


def test_non_voting_member_sees_the_motion_but_no_vote_buttons(
    cast, live_meeting, new_page, live_server
):
    motion = opened(cast, live_meeting, text="Adopt the user survey")
    page = new_page(cast.nora)
    page.goto(live_server.url + motion.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("Adopt the user survey")
    expect(page.get_by_text("You do not vote on this motion")).to_be_visible()
    expect(page.get_by_role("button", name="For", exact=True)).to_have_count(0)


def test_secretary_turns_inquorate_motion_into_ballot_and_member_votes_from_dashboard(
    cast, live_meeting, new_page, live_server
):
    for person in (cast.greta, cast.ivan):
        meeting_services.attendance_depart(
            attendance=Attendance.objects.get(meeting=live_meeting, person=person), actor=cast.alice
        )
    motion = services.motion_record(
        motion=put(cast, live_meeting, method=Method.WITHOUT_OBJECTION, text="Adopt the survey"),
        actor=cast.alice,
    )
    secretary = new_page(cast.sam)
    secretary.goto(live_server.url + motion.get_absolute_url())
    expect(secretary.locator("#result-heading")).to_have_text("No quorum")
    secretary.get_by_role("button", name="Put it to a ballot").click()
    expect(secretary.locator(".eyebrow")).to_contain_text("Ballot between meetings")
    secretary.screenshot(path=f"{SHOTS}/ballot-desktop.png", full_page=True)

    member = new_page(cast.greta, viewport={"width": 390, "height": 844})
    member.goto(live_server.url + reverse("dashboard", args=[cast.board.slug]))
    card = member.locator(".awaiting-vote-card")
    expect(card).to_contain_text("Adopt the survey")
    member.screenshot(path=f"{SHOTS}/dashboard-awaiting-390.png", full_page=True)
    card.get_by_role("link", name="Vote").click()
    member.get_by_role("button", name="Against").click()
    expect(member.locator("[data-my-vote]")).to_have_text("Against")
    ballot = Motion.objects.get(method=Method.BALLOT)
    assert ballot.replaces_id == motion.pk
    assert ballot.votes.get(is_current=True).cast_by == cast.greta
    member.goto(live_server.url + reverse("dashboard", args=[cast.board.slug]))
    expect(member.locator(".awaiting-vote-card")).to_have_count(0)
