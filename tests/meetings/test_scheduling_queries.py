"""The pages before a meeting cost the same number of queries for a small board and agenda as
for a large one: 2 items, one more organisation and one apology, or 40 items, 20 more
organisations and 10 apologies."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Role
from meetings import services
from tests.factories import SEATED_FROM, OrganisationFactory, SeatFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def build(cast, size):
    # One apology at the small size: an empty roll costs one query less (nothing to prefetch
    # stretches for), which says nothing about growth.
    items, organisations, apologies = {"small": (2, 1, 1), "big": (40, 20, 10)}[size]
    last = MeetingFactory(board=cast.board, starts_at=timezone.now() - dt.timedelta(days=30))
    for position in range(items + 1):
        AgendaItemFactory(meeting=last, position=position + 1, presenter=cast.greta)
    services.meeting_start(meeting=last, actor=cast.alice, at=last.starts_at)
    services.meeting_adjourn(meeting=last, actor=cast.alice, at=last.starts_at)
    meeting = MeetingFactory(board=cast.board, starts_at=timezone.now() + dt.timedelta(hours=2))
    for position in range(items):
        AgendaItemFactory(meeting=meeting, position=position + 1, presenter=cast.victor)
    for number in range(organisations):
        organisation = OrganisationFactory(board=cast.board, name=f"Member {size} {number}")
        person = UserFactory(full_name=f"Rep {size} {number}")
        SeatFactory(
            board=cast.board,
            person=person,
            organisation=organisation,
            role=Role.VOTING,
            starts_on=SEATED_FROM,
        )
        if number < apologies:
            services.apologies_send(meeting=meeting, person=person, actor=person)
    services.agenda_publish(meeting=meeting, actor=cast.sam)
    return last, meeting


def requests_for(cast, last, meeting):
    board = cast.board.slug
    first = meeting.items.in_order().first()
    unfinished = last.items.in_order().last()

    def at(name, *args):
        return reverse(f"meetings:{name}", args=[board, *args])

    return {
        "schedule": ("get", at("meeting_schedule"), {}),
        "schedule-save": (
            "post",
            at("meeting_schedule"),
            {"kind": "regular", "date": "2031-07-17", "time": "16:00"},
        ),
        "schedule-refused": ("post", at("meeting_schedule"), {"kind": "regular"}),
        "agenda": ("get", at("agenda_plan", meeting.pk), {}),
        "agenda-add": ("post", at("agenda_plan", meeting.pk), {"title": "AOB", "kind": "decision"}),
        "agenda-refused": ("post", at("agenda_plan", meeting.pk), {"kind": "decision"}),
        "move": ("post", at("agenda_move", meeting.pk, first.pk), {"direction": "down"}),
        "remove": ("post", at("agenda_remove", meeting.pk, first.pk), {}),
        "publish": ("post", at("agenda_publish", meeting.pk), {}),
        "carry-over": ("post", at("agenda_carry_over", meeting.pk), {"items": [unfinished.pk]}),
        "apologies": ("post", at("apologies", meeting.pk), {"person": cast.ivan.pk}),
        "detail": ("get", meeting.get_absolute_url(), {}),
        "dashboard": ("get", reverse("dashboard", args=[board]), {}),
    }


NAMES = [
    "schedule", "schedule-save", "schedule-refused", "agenda", "agenda-add", "agenda-refused",
    "move", "remove", "publish", "carry-over", "apologies", "detail", "dashboard",
]  # fmt: skip


def count(cast, client_for, size, name):
    last, meeting = build(cast, size)
    method, path, data = requests_for(cast, last, meeting)[name]
    client = client_for(cast.sam)
    client.get(reverse("dashboard", args=[cast.board.slug]))  # session and user warmed alike
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data)
    assert response.status_code in (200, 302, 422), (name, response.status_code)
    return len(queries)


@pytest.mark.parametrize("name", NAMES)
def test_pages_before_a_meeting_cost_the_same_for_a_small_and_a_large_board(cast, client_for, name):
    small = count(cast, client_for, "small", name)
    # A second board of the same shape, in the same database: only the sizes differ.
    from meetings.models import Meeting

    Meeting.objects.all().delete()
    big = count(cast, client_for, "big", name)
    assert small == big, f"{name}: {small} queries for a small board, {big} for a large one"
    assert big <= 30, f"{name}: {big} queries"
