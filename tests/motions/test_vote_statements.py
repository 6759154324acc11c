"""A vote as the benchmark counts it (issue 14: at most 8 statements), and what its few
statements must still guarantee: the motion's state decided under its lock (a copy read before
the close is refused), voters of different units never waiting for each other, one unit's
voters waiting for each other, and closing waiting for every vote in flight."""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motions import services
from motions.errors import MotionClosed
from motions.models import Choice, Method, Motion, Participation, Status, Vote
from tests.motions.conftest import opened

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; row locks are a PostgreSQL question",
)


def statements_of(client, url, data):
    """Every statement the request sent, counted as bench/middleware.py counts them. Outside a
    test transaction, as in production: no savepoint."""
    seen = []

    def counter(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.content
    return seen


def test_a_vote_is_eight_statements_as_the_bench_counts_them(cast, meeting):
    motion = opened(cast, meeting)
    client = Client()
    client.force_login(cast.greta)
    url = reverse("motions:motion_vote", args=[cast.board.slug, motion.pk])
    first = statements_of(client, url, {"choice": "against"})
    changed = statements_of(client, url, {"choice": "for"})
    # Session, user, the seats with the board, the motion; the voter's stretches with their
    # attendances; the unit's row claimed under the motion's shared lock; the vote (on
    # PostgreSQL the earlier one retired in the same statement); the audit row. SQLite adds its
    # BEGIN IMMEDIATE and retires the earlier vote by a statement of its own.
    expected = 8 if connection.vendor == "postgresql" else 10
    assert len(first) == len(changed) == expected, (first, changed)
    motion_reads = [sql for sql in first if sql.startswith('SELECT "motions_motion"')]
    assert len(motion_reads) == 1, "the motion is read once, not again under a lock"
    claims = [sql for sql in first if '"motions_participation"' in sql]
    assert len(claims) == 1 and "ON CONFLICT" in claims[0]
    if connection.vendor == "postgresql":
        assert "FOR SHARE" in claims[0]
    assert Vote.objects.filter(motion=motion).count() == 2
    assert Vote.objects.get(motion=motion, is_current=True).choice == Choice.FOR
    assert Participation.objects.get(motion=motion).cast_by == cast.greta


def test_a_vote_with_a_copy_read_before_the_close_is_refused(cast, meeting):
    """The view reads the motion before the vote's transaction: whether it is still open is
    decided when the vote takes its lock, not from that copy."""
    motion = opened(cast, meeting)
    services.motion_close(motion=Motion.objects.get(pk=motion.pk), actor=cast.alice)
    assert motion.status == Status.OPEN  # the copy
    with pytest.raises(MotionClosed, match="Voting has closed"):
        services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
    assert not Vote.objects.filter(motion=motion).exists()
    assert not Participation.objects.filter(motion=motion).exists()


def test_a_ballot_vote_with_a_copy_read_before_its_deadline_passed_is_refused(cast):
    ballot = opened(cast, method=Method.BALLOT, closes_at=timezone.now() + dt.timedelta(days=7))
    Motion.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(MotionClosed, match="closed at the deadline"):
        services.vote_cast(motion=ballot, person=cast.victor, choice=Choice.FOR)
    assert not Vote.objects.filter(motion=ballot).exists()


@on_postgresql
def test_a_vote_in_flight_holds_its_unit_and_the_close_but_no_other_unit(cast, meeting):
    """Victor's vote is stored but not yet committed: Greta (another unit) votes at once;
    Victor's second vote (his unit) and the close wait for it (here: give up after a second)."""
    motion = opened(cast, meeting)
    stored, release, failed = threading.Event(), threading.Event(), []

    def vote_and_hold():
        try:
            with transaction.atomic():
                services.vote_cast(motion=motion, person=cast.victor, choice=Choice.FOR)
                stored.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - asserted below
            failed.append(error)
        finally:
            stored.set()
            connection.close()

    holder = threading.Thread(target=vote_and_hold)
    holder.start()
    try:
        assert stored.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        services.vote_cast(motion=motion, person=cast.greta, choice=Choice.AGAINST)
        with pytest.raises(OperationalError, match="lock timeout"):
            services.vote_cast(motion=motion, person=cast.victor, choice=Choice.ABSTAIN)
        with pytest.raises(OperationalError, match="lock timeout"):
            services.motion_close(motion=motion, actor=cast.alice)
    finally:
        release.set()
        holder.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert failed == []
    motion = services.motion_close(motion=motion, actor=cast.alice)
    assert (motion.votes_for, motion.votes_against, motion.votes_abstain) == (1, 1, 0)
