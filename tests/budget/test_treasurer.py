"""The treasurer keeps the budget with the secretary; elsewhere she reads, as a member does."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import BudgetLine, Category
from governance.models import Role
from tests.factories import SEATED_FROM, SeatFactory, UserFactory
from tests.meetings.factories import started_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def tessa(cast):
    person = UserFactory(full_name="Tessa Treasurer", email="tessa@example.org")
    SeatFactory(
        board=cast.board,
        person=person,
        organisation=None,
        role=Role.TREASURER,
        starts_on=SEATED_FROM,
    )
    return person


def test_the_treasurer_adds_a_budget_line(cast, year, tessa, client_for):
    url = reverse("budget:line_create", args=[cast.board.slug, year.year])
    client = client_for(tessa)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"category": Category.EVENTS, "title": "Summit", "planned": "1200.00"}
    )
    assert response.status_code in (200, 302)
    line = BudgetLine.objects.get(fiscal_year=year, title="Summit")
    assert line.planned == Decimal("1200.00")


def test_the_year_page_offers_the_treasurer_the_editing_tools(cast, year, tessa, client_for):
    page = client_for(tessa).get(reverse("budget:year_overview", args=[cast.board.slug, year.year]))
    member = client_for(cast.victor).get(
        reverse("budget:year_overview", args=[cast.board.slug, year.year])
    )
    add_line = reverse("budget:line_create", args=[cast.board.slug, year.year])
    assert add_line in page.text and add_line not in member.text


@pytest.mark.parametrize("who", ["alice", "victor", "nora"])
def test_the_chair_and_members_may_not_add_a_line(cast, year, who, client_for):
    url = reverse("budget:line_create", args=[cast.board.slug, year.year])
    assert client_for(getattr(cast, who)).get(url).status_code == 403


def test_the_treasurer_does_not_run_meetings(cast, tessa, client_for):
    meeting = started_meeting(cast.board, actor=cast.alice)
    url = reverse("meetings:live_console", args=[cast.board.slug, meeting.pk])
    assert client_for(tessa).get(url).status_code == 403
