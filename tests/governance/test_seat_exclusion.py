"""One voting representative per organisation at any date: the database holds the rule on
PostgreSQL (an exclusion constraint, so writes that skip the service are refused too), the service
holds it on both, and concurrent saves wait for each other's lock."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from governance import services
from governance.models import Board, Organisation, Role, Seat, User

D = dt.date

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite has no exclusion constraints (the service holds the rule "
    "there, tested below) and serialises writers with IMMEDIATE transactions",
)


@pytest.fixture
def acme(db):
    board = Board.objects.create(name="B", slug="b", quorum_count=1)
    organisation = Organisation.objects.create(board=board, name="Acme", short_name="Acme")
    victor = User.objects.create_user("victor@example.org", full_name="Victor Voter")
    Seat.objects.create(
        board=board,
        person=victor,
        organisation=organisation,
        role=Role.VOTING,
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 12, 31),
    )
    return organisation


def raw_voting_seat(organisation, starts_on, ends_on=None, role=Role.VOTING):
    person = User.objects.create_user(f"p{starts_on:%Y%m%d}{role}@example.org", full_name="P")
    return Seat.objects.create(
        board=organisation.board,
        person=person,
        organisation=organisation,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
    )


@needs_postgresql
@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (D(2024, 12, 31), None),  # the last day held is shared: both ends are inclusive
        (D(2023, 1, 1), D(2024, 1, 1)),
        (D(2024, 3, 1), D(2024, 3, 2)),
        (D(2020, 1, 1), None),  # open-ended: unbounded
    ],
)
def test_database_refuses_an_overlapping_voting_seat_written_past_the_service(
    acme, starts_on, ends_on
):
    with pytest.raises(IntegrityError, match=services.VOTING_CONSTRAINT), transaction.atomic():
        raw_voting_seat(acme, starts_on, ends_on)
    assert Seat.objects.filter(organisation=acme).count() == 1


@needs_postgresql
def test_database_allows_successors_and_other_roles(acme):
    raw_voting_seat(acme, D(2025, 1, 1))  # the day after the last day held
    raw_voting_seat(acme, D(2024, 6, 1), role=Role.ALTERNATE)
    other = Organisation.objects.create(board=acme.board, name="Globex")
    raw_voting_seat(other, D(2024, 6, 1))
    assert Seat.objects.filter(role=Role.VOTING).count() == 3


def test_service_refuses_an_overlapping_voting_seat_on_every_database(acme):
    with pytest.raises(services.SeatConflict, match="Victor Voter is already the voting"):
        services.seat_create(
            actor=None,
            board=acme.board,
            person=User.objects.create_user("n@example.org", full_name="Nora"),
            organisation=acme,
            role=Role.VOTING,
            starts_on=D(2024, 12, 31),
        )
    assert Seat.objects.filter(organisation=acme).count() == 1


def race(save_one, count: int = 2) -> list[object]:
    """Run `save_one(i)` in `count` threads released at once; each returns its result or the
    exception it raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = save_one(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_voting_seats_for_one_organisation_exactly_one_is_saved(acme):
    people = [
        User.objects.create_user(f"rival{index}@example.org", full_name=f"Rival {index}")
        for index in range(2)
    ]

    def save_one(index: int) -> Seat:
        return services.seat_create(
            actor=None,
            board=acme.board,
            person=people[index],
            organisation=acme,
            role=Role.VOTING,
            starts_on=D(2025, 1, 1),
        )

    results = race(save_one)
    saved = [result for result in results if isinstance(result, Seat)]
    refused = [result for result in results if isinstance(result, services.SeatConflict)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert "voting representative" in refused[0].message
    assert Seat.objects.filter(organisation=acme, starts_on=D(2025, 1, 1)).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_chair_seats_for_one_person_exactly_one_is_saved(acme):
    """No constraint holds this rule: only the lock on the person keeps the second save
    waiting until the first is committed, so that it sees it."""
    carla = User.objects.create_user("carla@example.org", full_name="Carla Chair")

    def save_one(index: int) -> Seat:
        return services.seat_create(
            actor=None,
            board=acme.board,
            person=carla,
            role=Role.CHAIR,
            starts_on=D(2025, 1, 1) if index else D(2025, 6, 1),
        )

    results = race(save_one)
    saved = [result for result in results if isinstance(result, Seat)]
    refused = [result for result in results if isinstance(result, services.SeatConflict)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert "already holds a chair seat" in refused[0].message
    assert Seat.objects.filter(person=carla).count() == 1
