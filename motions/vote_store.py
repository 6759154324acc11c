"""The two statements that store a vote (issue 14: a vote in at most 8 statements), for
`motions.services`, which keeps the rules. SQL of our own because the ORM cannot say either in
one statement: a shared lock (`FOR SHARE`), an upsert with a condition, an update and an insert
that see each other.

Locking, as `motions.services` describes it: `claim_unit` takes the motion's shared lock (on
PostgreSQL; SQLite's IMMEDIATE transactions serialise every writer) and the unit's participation
row's exclusive lock, in the same statement; the vote is stored after it, so one unit's voters
queue on their row and nobody else's.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from motions.models import Method, Motion, Participation, Status, Vote


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _prep(model, name: str, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _typed_parameter(field) -> str:
    """The SQL for one bound parameter (`%s`) in a SELECT list, typed on PostgreSQL (it cannot
    infer the type there). Not on SQLite, where a cast to a declared type such as `datetime`
    would turn a date's text into a number."""
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.cast_db_type(connection)})"
    return "%s"


def claim_unit(
    motion: Motion, row: Participation, *, open_at: dt.datetime | None, only_by_caster: bool
) -> int | None:
    """Insert the unit's participation `row`, or take the existing one over for `row.cast_by`;
    its id, or None when refused.

    With `open_at`, only while the motion is open for votes at that moment, decided on the row
    under its shared lock: a close that committed while this waited is seen, and a close that
    comes later waits for this transaction. With `only_by_caster` (a ballot), a row cast by
    someone else is left as it is (and locked), and None says so."""
    p = Participation
    names = ["unit_key", "unit_label", "organisation", "person", "cast_by", "cast_at"]
    columns = ", ".join([_column(p, "motion"), *(_column(p, name) for name in names)])
    values = [_prep(p, name, getattr(row, p._meta.get_field(name).attname)) for name in names]
    casts = ", ".join(_typed_parameter(p._meta.get_field(name)) for name in names)
    motion_table, motion_id = _table(Motion), _column(Motion, "id")
    where = [f"{motion_table}.{motion_id} = %s"]
    params = [*values, motion.pk]
    if open_at is not None:
        where += [
            f"{motion_table}.{_column(Motion, 'status')} = %s",
            f"{motion_table}.{_column(Motion, 'method')} IN (%s, %s)",
            f"({motion_table}.{_column(Motion, 'closes_at')} IS NULL"
            f" OR {motion_table}.{_column(Motion, 'closes_at')} > %s)",
        ]
        params += [Status.OPEN, Method.LIVE, Method.BALLOT, _prep(Motion, "closes_at", open_at)]
    lock = ""
    if open_at is not None and connection.vendor == "postgresql":
        # Shared: voters hold it together; closing (FOR UPDATE) waits for them.
        lock = f" FOR SHARE OF {motion_table}"
    table, cast_by = _table(p), _column(p, "cast_by")
    keep = f" WHERE {table}.{cast_by} IS NULL OR {table}.{cast_by} = excluded.{cast_by}"
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the models, values as parameters
        f"SELECT {motion_table}.{motion_id}, {casts} FROM {motion_table} "
        f"WHERE {' AND '.join(where)}{lock} "
        f"ON CONFLICT ({_column(p, 'motion')}, {_column(p, 'unit_key')}) DO UPDATE SET "
        f"{cast_by} = excluded.{cast_by}, "
        f"{_column(p, 'cast_at')} = excluded.{_column(p, 'cast_at')}"
        f"{keep if only_by_caster else ''} "
        f"RETURNING {table}.{_column(p, 'id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    return found[0] if found else None


def add_current_vote(vote: Vote) -> bool:
    """Store `vote` as its unit's current vote, the unit's earlier current vote (if any) kept as
    history; whether there was one. Call it holding the unit's participation row (`claim_unit`).

    On PostgreSQL one statement: the earlier vote is retired before the new one is inserted (the
    insert reads the count of retired rows), so the one-current-vote constraint sees one."""
    if connection.vendor != "postgresql":
        retired = Vote.objects.filter(
            motion_id=vote.motion_id, unit_key=vote.unit_key, is_current=True
        ).update(is_current=False)
        vote.save(force_insert=True)
        return bool(retired)
    fields = Vote._meta.concrete_fields
    table, current = _table(Vote), _column(Vote, "is_current")
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    casts = ", ".join(_typed_parameter(field) for field in fields)
    values = [field.get_db_prep_save(getattr(vote, field.attname), connection) for field in fields]
    sql = (
        f"WITH retired AS (UPDATE {table} SET {current} = false "  # noqa: S608 - as above
        f"WHERE {_column(Vote, 'motion')} = %s AND {_column(Vote, 'unit_key')} = %s "
        f"AND {current} RETURNING 1), "
        "earlier AS (SELECT count(*) AS retired FROM retired), "
        f"added AS (INSERT INTO {table} ({columns}) SELECT {casts} FROM earlier RETURNING 1) "
        "SELECT retired FROM earlier, added"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [vote.motion_id, vote.unit_key, *values])
        (retired,) = cursor.fetchone()
    vote._state.adding, vote._state.db = False, connection.alias
    return bool(retired)
