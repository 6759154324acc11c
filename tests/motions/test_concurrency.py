"""Racing votes and closes on PostgreSQL, with real threads and real connections.

SQLite serialises every writing transaction (IMMEDIATE), so there is no race to test there.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from motions import services
from motions.errors import MotionClosed
from motions.models import Choice, Motion, Participation, Vote
from tests.motions.conftest import opened

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; row locks are a PostgreSQL question",
    ),
]


def race(count, work):
    """Run work(index) in `count` threads released together; returns results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as error:  # noqa: BLE001 - every outcome is asserted on
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_fifty_simultaneous_votes_for_one_unit_leave_one_current_vote(cast, meeting):
    motion = opened(cast, meeting)
    choices = [Choice.FOR, Choice.AGAINST, Choice.ABSTAIN]
    results, errors = race(
        50,
        lambda i: services.vote_cast(motion=motion, person=cast.victor, choice=choices[i % 3]),
    )
    assert errors == []
    assert len(results) == 50
    assert Vote.objects.filter(motion=motion, is_current=True).count() == 1
    assert Vote.objects.filter(motion=motion).count() == 50  # the other 49 are history
    assert Participation.objects.filter(motion=motion).count() == 1


def test_votes_racing_the_close_are_counted_or_refused(cast, meeting):
    motion = opened(cast, meeting)
    voters = [cast.victor, cast.greta, cast.ivan] * 11

    def work(index):
        if index == 15:
            return services.motion_close(motion=motion, actor=cast.alice)
        return services.vote_cast(motion=motion, person=voters[index], choice=Choice.FOR)

    results, errors = race(31, work)
    assert all(isinstance(error, MotionClosed) for error in errors), errors
    motion = Motion.objects.get(pk=motion.pk)
    current = Vote.objects.filter(motion=motion, is_current=True).count()
    # Whatever got in before the close is in the frozen tally; nothing was stored after it.
    assert motion.votes_for == current
    assert motion.units_voted == Participation.objects.filter(motion=motion).count()
    assert not Vote.objects.filter(motion=motion, cast_at__gt=motion.closed_at).exists()
    accepted = [r for r in results if isinstance(r, Vote)]
    assert len(accepted) + len(errors) == 30


def test_many_units_vote_at_once_without_waiting_on_each_other(cast, meeting):
    motion = opened(cast, meeting)
    people = [cast.victor, cast.greta, cast.ivan]
    results, errors = race(
        3, lambda i: services.vote_cast(motion=motion, person=people[i], choice="for")
    )
    assert errors == []
    assert Vote.objects.filter(motion=motion, is_current=True).count() == 3
