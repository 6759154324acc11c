"""governance/compiled.py, `results`: a query compiled once yields what the ORM yields (model
instances with their joined rows, dicts for values()), for any values."""

import datetime as dt
import zoneinfo

import pytest
from django.db.models import Count, Q

from governance.access import seats_of_person
from governance.compiled import CompiledQuery, NotCompilable
from governance.models import Seat, User
from tests.factories import BoardFactory, SeatFactory, UserFactory

pytestmark = pytest.mark.django_db


def _seats(board_id: int, since: dt.date, name: str):
    return (
        Seat.objects.filter(board_id=board_id, starts_on__gte=since)
        .exclude(person__full_name=name)
        .select_related("board", "person", "organisation")
        .order_by("starts_on", "pk")
    )


def _seat_counts(board_id: int, at: dt.datetime):
    return (
        User.objects.filter(seats__board_id=board_id, date_joined__lte=at)
        .values("pk")
        .annotate(seats=Count("seats"))
        .order_by("pk")
    )


def _shown(seats):
    return [(s.pk, s.board.name, s.person.full_name, s.organisation.name) for s in seats]


@pytest.fixture
def seated():
    board, other = BoardFactory(), BoardFactory()
    people = [UserFactory(full_name=f"Person {n}") for n in range(4)]
    for n, person in enumerate(people):
        SeatFactory(board=board, person=person, starts_on=dt.date(2020, 1, 1 + n))
        SeatFactory(board=other, person=person, starts_on=dt.date(2021, 1, 1 + n))
    return board, other, people


def test_it_gives_what_the_orm_gives_for_each_call_s_values(seated):
    board, other, people = seated
    query = CompiledQuery(
        _seats, board_id=2_000_000_001, since=dt.date(2001, 2, 5), name="stand-in name"
    )
    for target in (board, other):
        for since in (dt.date(2020, 1, 2), dt.date(2021, 1, 3), dt.date(2030, 1, 1)):
            for name in ("Person 1", "Person 3", "nobody"):
                values = {"board_id": target.pk, "since": since, "name": name}
                assert _shown(query.results(**values)) == _shown(_seats(**values))
    # The related rows came with the seats (select_related), as the ORM would have them.
    first = query.results(board_id=board.pk, since=dt.date(2020, 1, 1), name="nobody")[0]
    assert first.board == board and first.person == people[0]


def test_a_values_query_gives_dicts_and_datetimes_are_adapted(seated):
    board, _, people = seated
    query = CompiledQuery(
        _seat_counts,
        board_id=2_000_000_001,
        at=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
    )
    # In a zone of its own, as a viewer's "now" is: the database compares it as UTC.
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    joined = [person.date_joined.astimezone(zone) for person in people]
    for at in (min(joined) - dt.timedelta(seconds=1), max(joined), *joined):
        values = {"board_id": board.pk, "at": at}
        assert query.results(**values) == list(_seat_counts(**values))
    assert query.results(board_id=board.pk, at=max(joined))[0] == {"pk": people[0].pk, "seats": 1}


def test_a_none_is_refused_rather_than_sent(seated):
    board, _, _ = seated
    query = CompiledQuery(
        _seats, board_id=2_000_000_001, since=dt.date(2001, 2, 5), name="stand-in name"
    )
    with pytest.raises(NotCompilable, match="None"):
        query.results(board_id=board.pk, since=None, name="x")  # None would need IS NULL


def test_a_variant_is_compiled_apart(seated):
    board, _, people = seated

    def build(board_id: int, mine: bool = False):
        seats = Seat.objects.filter(board_id=board_id).order_by("pk")
        return seats.filter(Q(person=people[0])) if mine else seats

    query = CompiledQuery(build, board_id=2_000_000_001)
    assert len(query.results(board_id=board.pk)) == 4
    assert [seat.person for seat in query.results(board_id=board.pk, shape={"mine": True})] == [
        people[0]
    ]
    assert len(query.results(board_id=board.pk)) == 4


def test_the_page_s_seats_query_is_the_orm_s(seated, django_assert_num_queries):
    board, other, people = seated
    for target in (board, other):
        for person in people:
            got = seats_of_person.results(slug=target.slug, person_id=person.pk)
            assert _shown(got) == _shown(
                Seat.objects.filter(board__slug=target.slug, person=person).select_related(
                    "board", "person", "organisation"
                )
            )
    with django_assert_num_queries(1):
        seats_of_person.results(slug=board.slug, person_id=people[0].pk)
