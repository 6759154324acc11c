"""governance.compiled: an ORM query compiled once, sent with each call's values, answers as the
ORM does; a stand-in that does not map one for one onto a parameter is refused on first use."""

import datetime as dt

import pytest
from django.db.models import Count, Q

from governance.compiled import CompiledQuery, NotCompilable
from governance.models import Seat, User

pytestmark = pytest.mark.django_db

JOINED = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)
SEATED_DAY = dt.date(2025, 6, 1)
STAND_INS = {
    "board_id": 2_000_000_101,
    "joined": dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
    "day": dt.date(2001, 2, 9),
    "email": "compiled-stand-in@example.invalid",
}


def seated_and_joined(*, board_id, joined, day, email):
    """People joined by `joined` (a datetime column) with a seat on the board on `day` (date
    columns), or the one with that email, with how many seats they hold."""
    return (
        User.objects.filter(
            Q(date_joined__lte=joined, seats__in=Seat.objects.current(day).filter(board=board_id))
            | Q(email=email)
        )
        .annotate(seats_held=Count("seats"))
        .values("pk", "email", "date_joined", "seats_held")
        .order_by("pk")
    )


def test_the_compiled_rows_are_the_orms_for_any_values(cast):
    cast.victor.date_joined = JOINED
    cast.victor.save(update_fields=["date_joined"])
    query = CompiledQuery(seated_and_joined, **STAND_INS)
    cases = [
        # At the very instant someone joined: a datetime sent as the ORM sends it.
        {"joined": JOINED, "day": dt.date(2024, 3, 1)},
        {"joined": JOINED - dt.timedelta(microseconds=1), "day": dt.date(2024, 3, 1)},
        {"joined": JOINED.astimezone(dt.timezone(dt.timedelta(hours=-5))), "day": SEATED_DAY},
        {"joined": dt.datetime(2999, 1, 1, tzinfo=dt.UTC), "day": dt.date(1990, 1, 1)},
    ]
    seen = set()
    found = []
    for case in cases:
        for board_id in (cast.board.pk, cast.board.pk + 1000):
            for email in (cast.olga.email, "nobody@example.org"):
                values = {**case, "board_id": board_id, "email": email}
                rows = query.rows(**values)
                assert rows == query.orm_rows(**values)
                seen.add(len(rows))
                found += rows
    assert len(seen) > 2  # the cases tell the values apart
    assert isinstance(found[0]["date_joined"], dt.datetime)  # converted as the ORM converts


def test_it_compiles_once_per_database_and_shape(cast):
    built = []

    def build(*, only_active, **values):
        built.append(only_active)
        queryset = seated_and_joined(**values)
        return queryset.filter(is_active=True) if only_active else queryset

    query = CompiledQuery(build, **STAND_INS)
    values = {
        "board_id": cast.board.pk,
        "joined": JOINED,
        "day": dt.date(2024, 3, 1),
        "email": "x@example.org",
    }
    for _ in range(3):
        query.rows(shape={"only_active": True}, **values)
    assert built == [True, True]  # two stand-in sets, compiled once
    query.rows(shape={"only_active": False}, **values)
    assert built == [True, True, False, False]


def test_a_stand_in_equal_to_a_constant_is_refused(cast):
    query = CompiledQuery(
        lambda *, user_id: User.objects.filter(Q(pk=user_id) | Q(pk=2_000_000_333)).values("pk"),
        user_id=2_000_000_333,
    )
    with pytest.raises(NotCompilable, match="not one stand-in's own"):
        query.rows(user_id=cast.victor.pk)


def test_a_stand_in_the_query_never_uses_is_refused(cast):
    query = CompiledQuery(
        lambda *, user_id, email: User.objects.filter(pk=user_id).values("pk"),
        user_id=2_000_000_333,
        email="unused@example.invalid",
    )
    with pytest.raises(NotCompilable, match="lost"):
        query.rows(user_id=cast.victor.pk, email="x")


def test_a_stand_in_the_orm_transforms_is_refused(cast):
    query = CompiledQuery(
        lambda *, part: User.objects.filter(email__icontains=part).values("pk"),
        part="stand-in-part",
    )
    with pytest.raises(NotCompilable, match="not one stand-in's own"):
        query.rows(part="example")


def test_a_stand_in_that_changes_the_sql_is_refused(cast):
    query = CompiledQuery(
        lambda *, limit: User.objects.filter(pk__in=range(limit % 3 + 1)).values("pk"),
        limit=2_000_000_333,
    )
    with pytest.raises(NotCompilable, match="SQL itself"):
        query.rows(limit=5)


def test_two_stand_ins_alike_are_refused(cast):
    query = CompiledQuery(
        lambda *, a, b: User.objects.filter(pk=a).exclude(pk=b).values("pk"), a=7, b=7
    )
    with pytest.raises(NotCompilable):
        query.rows(a=1, b=2)


def test_a_value_without_a_stand_in_is_refused(cast):
    query = CompiledQuery(lambda *, a: User.objects.filter(pk=a).values("pk"), a=2_000_000_333)
    with pytest.raises(NotCompilable, match="no stand-in"):
        query.rows(a=1, b=2)
