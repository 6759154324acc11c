"""Two grants to one holder at once cannot exceed the board's per-holder limit (PostgreSQL, real
threads and connections: SQLite serialises writers, so there is no race to test there)."""

import pytest
from django.db import connection

from meetings.errors import ProxyRefused
from meetings.models import Proxy
from meetings.proxies import proxy_name
from tests.meetings.factories import MeetingFactory
from tests.motions.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; row locks are a PostgreSQL question",
    ),
]


@pytest.mark.parametrize("limit", [1, 2])
def test_parallel_grants_to_one_holder_stay_within_the_limit(cast, limit):
    board = cast.board
    board.proxies_from_other_organisations = True
    board.proxies_per_holder = limit
    board.save()
    meeting = MeetingFactory(board=board)
    grantors = [cast.victor, cast.greta, cast.ivan]
    results, errors = race(
        3,
        lambda i: proxy_name(
            meeting=meeting, grantor=grantors[i], holder=cast.alice, actor=cast.sam
        ),
    )
    assert len(results) == limit
    assert len(errors) == 3 - limit
    assert all(isinstance(error, ProxyRefused) for error in errors), errors
    assert Proxy.objects.filter(meeting=meeting, holder=cast.alice).count() == limit


def test_parallel_grants_for_one_unit_leave_one(cast):
    meeting = MeetingFactory(board=cast.board)
    holders = [cast.alan, cast.alan, cast.alan, cast.alan]
    results, errors = race(
        4,
        lambda i: proxy_name(
            meeting=meeting, grantor=cast.victor, holder=holders[i], actor=cast.victor
        ),
    )
    assert len(results) == 1
    assert all(isinstance(error, ProxyRefused) for error in errors), errors
    assert Proxy.objects.standing().filter(meeting=meeting).count() == 1
