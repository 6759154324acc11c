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


def open_ballot(cast):
    """A ballot on "Adopt the survey", open for a week."""
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
    return ballot


@pytest.mark.parametrize("viewer", ["victor", "sam", "nora"])
def test_motion_pages_cost_the_same_at_5_and_500_units(cast, client_for, viewer):
    ballot = open_ballot(cast)
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


def decided_ballots(cast, count, start=0):
    """`count` ballots decided a day apart, the newest last (bulk: the list only reads them)."""
    from motions.models import Motion, Outcome, Status

    base = timezone.now() - dt.timedelta(days=1000)
    return Motion.objects.bulk_create(
        Motion(
            board=cast.board,
            text=f"Decision {n:04}",
            method=Method.BALLOT,
            status=Status.CLOSED,
            outcome=Outcome.CARRIED,
            opened_at=base + dt.timedelta(days=n),
            closed_at=base + dt.timedelta(days=n, hours=1),
            closes_at=base + dt.timedelta(days=n, hours=1),
            created_by=cast.sam,
            created_at=base + dt.timedelta(days=n),
        )
        for n in range(start, start + count)
    )


def test_the_motions_list_pages_its_decisions_at_the_same_cost(cast, client_for):
    """A thousand decisions over ten years: the list sends twenty-five, newest first, and
    costs the same queries at 3 decisions as at 120."""
    client = client_for(cast.victor)
    path = reverse("motions:motion_list", args=[cast.board.slug])
    decided_ballots(cast, 3)
    small = queries_for(client, path)
    decided_ballots(cast, 117, start=3)
    assert queries_for(client, path) == small <= 12

    first = client.get(path).content.decode()
    assert first.count("Decision 0") == 25
    assert "Decision 0119" in first and "Decision 0095" in first and "Decision 0094" not in first
    assert "Decisions 1–25 of 120, newest first (page 1 of 5)" in first
    assert 'href="?page=2#decided-heading" rel="next">Older' in first

    last = client.get(path, {"page": 5}).content.decode()
    assert "Decision 0019" in last and "Decision 0000" in last and "Decision 0020" not in last
    assert "Older" not in last and "Newer" in last
    # A page that is not there reads as the nearest one, never an error.
    for wrong in ("0", "abc", "99", "-1"):
        response = client.get(path, {"page": wrong})
        assert response.status_code == 200
        assert "Decision 0" in response.content.decode()


def test_the_dashboard_with_a_ballot_open_and_budgets_stays_within_twelve_queries(
    cast, client_for, django_assert_max_num_queries
):
    """Session, user, seats; the ballots card (open motions, the voting rule, what the unit has
    voted: the seats come from the page's standing); the next meeting and its items; actions;
    the budget card (one query whether or not a year holds today); minutes; the board card:
    twelve with a meeting ahead (its agenda)."""
    from budget.models import YearStatus
    from tests.budget.factories import FiscalYearFactory

    this_year = timezone.localdate().year
    FiscalYearFactory(board=cast.board, year=this_year - 2, status=YearStatus.APPROVED)
    FiscalYearFactory(board=cast.board, year=this_year + 1, status=YearStatus.DRAFT)
    open_ballot(cast)
    client = client_for(cast.victor)
    client.get(reverse("dashboard", args=[cast.board.slug]))
    # Eleven here (no meeting ahead, so no agenda read): one more without the standing.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("dashboard", args=[cast.board.slug]))
    assert "Adopt the survey" in page.text and "Budget at a glance" in page.text
