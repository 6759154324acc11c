"""Browser journey: an action typed live reaches the members' live view, its owner marks it done
on My actions, the secretary drops two at once, and the next meeting's summary shows them under
Done and Dropped."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionItem, ActionStatus
from governance.models import Role
from meetings import services as meeting_services
from tests.actions.factories import raise_action
from tests.factories import SEATED_FROM, SeatFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, attend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_action_from_the_console_to_the_next_meetings_summary(cast, new_page, live_server):
    don = UserFactory(full_name="Don Dugger", email="don@example.org")
    SeatFactory(
        board=cast.board,
        person=don,
        role=Role.ALTERNATE,  # Initech's: Ivan holds its vote
        organisation=cast.initech,
        starts_on=SEATED_FROM,
    )
    now = timezone.now()
    meeting = MeetingFactory(
        board=cast.board, title="This month", starts_at=now - dt.timedelta(minutes=5)
    )
    AgendaItemFactory(meeting=meeting, title="Xen+libvirt", position=1)
    attend(meeting, don, cast.victor, cast.greta)
    meeting = meeting_services.meeting_start(meeting=meeting, actor=cast.alice)
    following = MeetingFactory(
        board=cast.board, title="Next month", starts_at=now + dt.timedelta(days=28)
    )
    base = live_server.url

    def person(user):
        page = new_page(user)
        page.set_default_navigation_timeout(30_000)  # a loaded CI machine, not a slow page
        return page

    # A member follows the meeting live.
    member = person(cast.victor)
    member.goto(base + meeting.get_absolute_url())
    member.evaluate("window.__sameDocument = true")

    # The chair types the action as the minutes write it.
    chair = person(cast.alice)
    chair.goto(base + reverse("meetings:live_console", args=[cast.board.slug, meeting.pk]))
    note = chair.locator("#note-text")
    note.fill("Action Don: send the report from the Hackathon next week")
    note.press("Enter")
    expect(chair.locator("#saved-mark")).to_contain_text("Action recorded for Don")
    expect(chair.locator("#item-parts")).to_contain_text("Action Don:")
    expect(note).to_have_value("")

    line = member.locator(".action-line")
    expect(line).to_contain_text(
        "Action Don: send the report from the Hackathon next week", timeout=6000
    )
    expect(line).to_contain_text("Open")
    assert member.evaluate("window.__sameDocument") is True  # no reload
    typed = ActionItem.objects.get()
    assert list(typed.owners.all()) == [don]
    meeting_services.meeting_adjourn(meeting=meeting, actor=cast.alice)

    # Victor's own action, and two the secretary will drop.
    mine = raise_action(cast, cast.victor, text="Circulate the analyst deck")
    stale = [raise_action(cast, cast.greta, text=f"Old request {n}") for n in (1, 2)]

    owner = person(cast.victor)
    owner.goto(base + reverse("actions:my_actions", args=[cast.board.slug]))
    owner.evaluate("window.__sameDocument = true")
    row = owner.locator(f"#action-{mine.pk}")
    row.get_by_role("button", name="Mark done").click()
    expect(owner.locator(f"#action-{mine.pk}")).to_contain_text("Done")
    expect(owner.locator(f"#action-{mine.pk}")).to_contain_text("Saved: Open → Done")
    assert owner.evaluate("window.__sameDocument") is True

    secretary = person(cast.sam)
    secretary.goto(base + reverse("actions:reconcile", args=[cast.board.slug]))
    for action in stale:
        secretary.locator(f"#tick-{action.pk}").check()
    secretary.get_by_label("New status").select_option("dropped")
    secretary.get_by_label("Note, recorded on each").fill("Overtaken by the new plan")
    secretary.get_by_role("button", name="Apply to ticked").click()
    expect(secretary.locator(".messages")).to_contain_text("Changed 2 actions")
    expect(secretary.locator("table")).not_to_contain_text("Old request")
    assert set(
        ActionItem.objects.filter(pk__in=[a.pk for a in stale]).values_list("status", flat=True)
    ) == {ActionStatus.DROPPED}

    reader = person(cast.nora)
    reader.goto(base + following.get_absolute_url())
    summary = reader.locator(".action-summary")
    expect(summary.locator(".summary-done")).to_contain_text("Circulate the analyst deck")
    expect(summary.locator(".summary-dropped")).to_contain_text("Old request 1")
    expect(summary.locator(".summary-dropped")).to_contain_text("Old request 2")
    expect(summary.locator(".summary-open")).to_contain_text("send the report from the Hackathon")
