"""A society's board of governors, as a governor sees it: the directory and a meeting's record read
"Ann Smith, Governor". Screenshots of both are saved under test-artifacts/ to look at."""

import datetime as dt
from decimal import Decimal

import pytest

from governance import services
from governance.models import QuorumRule, Role, VotingBasis
from meetings import services as meeting_services
from tests.conftest import ARTIFACTS
from tests.factories import BoardFactory, UserFactory
from tests.meetings.factories import attend, started_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOVERNORS = ["Ann Smith", "Ben Jones", "Cara Brown", "Dev Patel", "Eve Adams", "Fay Wu", "Gil Ross"]


def test_a_governor_reads_the_directory_and_the_record_by_title(new_page, live_server):
    board = BoardFactory(
        name="Riverside Society",
        slug="riverside",
        voting_basis=VotingBasis.PERSON,
        quorum_rule=QuorumRule.FRACTION,
        quorum_fraction=Decimal("0.5"),
        quorum_count=None,
        member_title="Governor",
        co_opted_vote=True,
    )
    people = {}
    for name in GOVERNORS:
        people[name] = UserFactory(full_name=name)
        services.seat_create(
            actor=None, board=board, person=people[name], role=Role.VOTING, starts_on=None
        )
    extras = {}
    for name, role in [
        ("Cleo Chair", Role.CHAIR),
        ("Tess Treasurer", Role.TREASURER),
        ("Cody Coopted", Role.CO_OPTED),
        ("Otto Observer", Role.OBSERVER),
    ]:
        extras[name] = UserFactory(full_name=name)
        services.seat_create(
            actor=None, board=board, person=extras[name], role=role, starts_on=dt.date(2021, 1, 1)
        )
    services.seat_create(
        actor=None,
        board=board,
        person=people["Fay Wu"],
        role=Role.VICE_CHAIR,
        starts_on=dt.date(2022, 1, 1),
    )
    chair = extras["Cleo Chair"]
    meeting = started_meeting(board, actor=chair)
    six = [people[name] for name in GOVERNORS[:6]]
    attend(
        meeting,
        chair,
        *six,
        extras["Cody Coopted"],
        extras["Otto Observer"],
        actor=chair,
        at=meeting.started_at,
    )
    attend(
        meeting, people["Gil Ross"], actor=chair, at=meeting.started_at + dt.timedelta(minutes=45)
    )
    meeting_services.meeting_adjourn(
        meeting=meeting, actor=chair, at=meeting.started_at + dt.timedelta(hours=1)
    )

    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(people["Ann Smith"])
    page.goto(f"{live_server.url}/b/riverside/members/")
    main = page.get_by_role("main")
    assert "8 board members" in main.inner_text()  # 7 governors and a co-opted member
    assert "Ann Smith, Governor" in main.inner_text()
    assert "Cody Coopted, Co-opted member (votes)" in main.inner_text()
    assert "Otto Observer, Observer" in main.inner_text()
    page.screenshot(path=ARTIFACTS / "individuals-directory.png", full_page=True)

    page.goto(f"{live_server.url}/b/riverside/meetings/{meeting.pk}/")
    attendees = page.locator("#attendance").inner_text()
    assert "Ann Smith, Governor" in attendees
    assert "Cody Coopted, Co-opted member" in attendees
    assert "(Ann Smith" not in attendees
    page.screenshot(path=ARTIFACTS / "individuals-record.png", full_page=True)

    phone = new_page(people["Ann Smith"], viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/b/riverside/members/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=ARTIFACTS / "individuals-directory-phone.png", full_page=True)

    console = new_page(chair)
    console.goto(f"{live_server.url}/b/riverside/meetings/{meeting.pk}/console/")
    roll = console.locator("body").inner_text()
    assert "BOARD MEMBERS" in roll.upper() and "Governor" in roll
    console.screenshot(path=ARTIFACTS / "individuals-console.png", full_page=True)
