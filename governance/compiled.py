"""ORM queries compiled once per process, then sent as SQL with each call's values.

Django builds a query's SQL afresh every time it runs it. For a query with a dozen subqueries
that takes longer than the database takes to answer it (the live poll's checks, the actions on
a meeting's page). A `CompiledQuery` keeps the ORM's queryset as the one definition: it builds
it with stand-in values, compiles it once per database (and shape), finds which parameters are
the stand-ins (the slots), and on each call sends that SQL with the call's values in the slots;
the rows come back converted as the ORM converts them, as dicts (what `values()` gives).

The slots are found, never declared: the query is compiled twice, with two sets of stand-ins,
and the parameters that differ must be exactly the stand-ins of both, in the same places, in
SQL that is otherwise the same. A stand-in that never reaches the parameters, one the ORM
changes on the way (a date widened to a datetime, a string made a LIKE pattern), one that
equals a constant of the query, or one that changes the SQL's shape raises `NotCompilable` the
first time, rather than sending a stale value ever after.

`rows` gives dicts; `results` gives what the queryset itself yields (model instances with their
`select_related` rows, prefetches made as the ORM makes them), through Django's own iterable
with the compiled SQL in place of a fresh compilation. The pages' most asked queries go this
way (the viewer's seats, the dashboard's cards, the minutes, the budget year, a request).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


class NotCompilable(Exception):
    """The query's parameters do not carry its stand-ins one for one (see the module's note)."""


def _adapted(connection, value):
    """A value as the ORM hands it to the database driver for a column of its type."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return connection.ops.adapt_decimalfield_value(value)
    return value


def _other(name: str, value):
    """A second stand-in of the same type, different from the first and from any constant the
    first one might have matched by chance."""
    if isinstance(value, bool) or value is None:
        raise NotCompilable(f"{name}: a boolean or None cannot stand in (it changes the SQL)")
    if isinstance(value, int):
        return value + 1_000_003
    if isinstance(value, str):
        return value + "~second"
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(days=3, seconds=7, microseconds=11)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=3)
    if isinstance(value, Decimal):
        return value + Decimal("1000.0003")
    raise NotCompilable(f"{name}: no second stand-in for a {type(value).__name__}")


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per parameter: the name of the call's value that goes there, or None for a constant.
    slots: tuple[str | None, ...]
    constants: tuple
    names: tuple[str, ...]
    converters: dict
    compiler: object
    # The queryset compiled: its iterable class and prefetches serve `results`.
    queryset: QuerySet
    # How many columns a row has when the SQL selects more than the row keeps.
    width: int | None


class CompiledQuery:
    """`build(**shape, **stand_ins)` returns a `values()` queryset; `rows(**values)` is what it
    returns for those values, sent as SQL compiled once per database and shape.

    `stand_ins` are values no real call carries (odd, unlikely numbers and strings, dates far
    in the past), of the types the call passes. `shape` is what changes the SQL itself (a
    variant): part of the cache's key, handed to `build` as given. A call names only the values
    its shape uses; each names a stand-in."""

    def __init__(self, build: Callable[..., QuerySet], **stand_ins) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self._compiled: dict[tuple, _Compiled] = {}

    def orm_rows(
        self, *, shape: Mapping[str, Hashable] | None = None, using=DEFAULT_DB_ALIAS, **values
    ) -> list[dict]:
        """The definition, run by the ORM: what `rows` must always agree with."""
        return list(self.build(**(shape or {}), **values).using(using))

    def rows(
        self, *, shape: Mapping[str, Hashable] | None = None, using=DEFAULT_DB_ALIAS, **values
    ) -> list[dict]:
        connection = connections[using]
        compiled, params = self._bound(connection, shape, values)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        if compiled.width is not None:
            found = [row[: compiled.width] for row in found]
        if compiled.converters:
            found = compiled.compiler.apply_converters(found, compiled.converters)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in found]

    def results(
        self, *, shape: Mapping[str, Hashable] | None = None, using=DEFAULT_DB_ALIAS, **values
    ) -> list:
        """What the queryset yields for these values (model instances, or dicts for a values()
        query), as the ORM would give them, sent as SQL compiled once."""
        connection = connections[using]
        compiled, params = self._bound(connection, shape, values)
        ready = copy.copy(compiled.compiler)
        ready.connection = connection
        ready.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        run = compiled.queryset._chain()
        # The chained copy is evaluated here and never handed out, so the compiler it is given
        # (a copy of the cached one, with this call's parameters) cannot reach another query.
        run.query.get_compiler = lambda *args, **kwargs: ready
        return list(run)

    def _bound(self, connection, shape, values: dict) -> tuple[_Compiled, tuple]:
        for name, value in values.items():
            if value is None:
                # NULL compares as nothing: a None must be a shape (IS NULL), never a value.
                raise NotCompilable(f"{name}: None is not a value (make it part of the shape)")
        compiled = self._compile(connection, dict(shape or {}), tuple(sorted(values)))
        params = tuple(
            constant if slot is None else _adapted(connection, values[slot])
            for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
        )
        return compiled, params

    def _compile(self, connection, shape: dict, named: tuple[str, ...]) -> _Compiled:
        key = (connection.alias, tuple(sorted(shape.items())), named)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile_afresh(connection, shape, named)
        return compiled

    def _compile_afresh(self, connection, shape: dict, named: tuple[str, ...]) -> _Compiled:
        unknown = set(named) - set(self.stand_ins)
        if unknown:
            raise NotCompilable(f"no stand-in for {sorted(unknown)}")
        first = {name: self.stand_ins[name] for name in named}
        second = {name: _other(name, value) for name, value in first.items()}
        queryset, compiler, sql, params = self._sql(connection, shape, first)
        _, _, second_sql, second_params = self._sql(connection, shape, second)
        if sql != second_sql or len(params) != len(second_params):
            raise NotCompilable("the stand-ins change the SQL itself: make that part a shape")
        adapted = [
            {name: _adapted(connection, value) for name, value in stand_ins.items()}
            for stand_ins in (first, second)
        ]
        slots: list[str | None] = []
        for index, (one, other) in enumerate(zip(params, second_params, strict=True)):
            matches = [
                {name for name, value in stand_ins.items() if _same(param, value)}
                for param, stand_ins in zip((one, other), adapted, strict=True)
            ]
            if not matches[0] and not matches[1] and _same(one, other):
                slots.append(None)
            elif len(matches[0]) == 1 and matches[0] == matches[1]:
                slots.append(matches[0].pop())
            else:
                raise NotCompilable(
                    f"parameter {index} ({one!r}, then {other!r}) is not one stand-in's own"
                )
        lost = set(named) - set(slots)
        if lost:
            raise NotCompilable(f"the compiled query lost {sorted(lost)}")
        query = compiler.query
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        return _Compiled(
            sql=sql,
            slots=tuple(slots),
            constants=tuple(
                None if slot else param for slot, param in zip(slots, params, strict=True)
            ),
            names=names,
            converters=compiler.get_converters(fields),
            compiler=compiler,
            queryset=queryset,
            width=compiler.col_count if compiler.has_extra_select else None,
        )

    def _sql(self, connection, shape: dict, stand_ins: dict):
        queryset = self.build(**shape, **stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, list(params)
