"""The motion page, its live count and the dashboard's ballots card cost the same number of
queries for 5 and for 500 voting units."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Organisation, Role, Seat, User
from motions import services
from motions.models import Choice, Method
from motions.services import MotionDetails
from tests.factories import SEATED_FROM

pytestmark = pytest.mark.django_db


def add_voting_units(cast, start, count):
    organisations = Organisation.objects.bulk_create(
        Organisation(board=cast.board, name=f"Member {n:04}", joined_on=SEATED_FROM)
        for n in range(start, start + count)
    )
    people = User.objects.bulk_create(
        User(email=f"rep{n}@example.org", full_name=f"Rep {n:04}")
        for n in range(start, start + count)
    )
    Seat.objects.bulk_create(
        Seat(board=cast.board, person=p, organisation=o, role=Role.VOTING, starts_on=SEATED_FROM)
        for p, o in zip(people, organisations, strict=True)
    )
    return people


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("viewer", ["victor", "sam", "nora"])
def test_motion_pages_cost_the_same_at_5_and_500_units(cast, client_for, viewer):
    ballot = services.motion_create(
        board=cast.board,
        actor=cast.sam,
        details=MotionDetails(
            text="Adopt the survey",
            method=Method.BALLOT,
            closes_at=timezone.now() + dt.timedelta(days=7),
        ),
    )
    services.motion_open(motion=ballot, actor=cast.sam)
    client = client_for(getattr(cast, viewer))
    paths = [
        ballot.get_absolute_url(),
        reverse("motions:motion_progress", args=[cast.board.slug, ballot.pk]),
        reverse("motions:motion_list", args=[cast.board.slug]),
        reverse("dashboard", args=[cast.board.slug]),
    ]
    counts = {}
    added = 0
    for size in (5, 500):
        # The cast's three voting organisations are units too.
        people = add_voting_units(cast, added, size - 3 - added if added else size - 3)
        added += len(people)
        # Votes through the service are slow to make in bulk; the pages read the register and
        # the seats whatever their number, which is what grows here.
        for person in people[:2]:
            services.vote_cast(motion=ballot, person=person, choice=Choice.FOR)
        counts[size] = [queries_for(client, path) for path in paths]
    assert counts[5] == counts[500], counts
