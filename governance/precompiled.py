"""ORM queries compiled once per process, run with each request's values.

Django compiles a queryset into SQL afresh every time it runs: for the queries every page asks
(the viewer's seats on the board, the dashboard's cards) that compilation costs more than the
database does, a millisecond or two of CPU each, a third to a half of a small page's time.

`Precompiled` keeps the ORM query as the one definition. It builds the queryset once per
process and database with stand-in values (values no request carries), compiles it, and
records which SQL parameters are the stand-ins. Each call then sends the cached SQL with the
call's values in the stand-ins' places, and Django's own iterables turn the rows into model
instances (`select_related` included) or dicts (`values()`), as they would have.

What a query may take as values: scalars that fill a parameter (ids, strings, dates,
datetimes). Anything that changes the SQL's shape (None, a list for `__in`, a slice, a flag
that adds a filter) is a `variant`: a keyword argument compiled separately for each value it
takes, so it must take few.

If a stand-in does not appear among the compiled parameters (the ORM folded it into the SQL,
or a lookup transformed it), compiling raises, so a query that cannot be precompiled says so
on its first call, in every test that reaches it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
from django.db.models import QuerySet


def _adapted(connection, value):
    """A value as the compiled query carries it among its parameters."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _slot_key(value) -> Hashable | None:
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


class Precompiled:
    """`build(**values, **variant)` -> QuerySet, compiled once per database and variant.

    `stand_ins` names every value a call passes, each with a stand-in of the same type that no
    real call carries; they must be distinct.
    """

    def __init__(self, build: Callable[..., QuerySet], **stand_ins: Any):
        if len({_slot_key(value) for value in stand_ins.values()}) != len(stand_ins):
            raise ValueError("stand-ins must be distinct")
        self.build = build
        self.stand_ins = stand_ins
        self._compiled: dict[tuple, tuple] = {}

    def _compile(self, variant: tuple) -> tuple:
        if variant not in self._compiled:
            queryset = self.build(**self.stand_ins, **dict(variant))
            connection = connections[queryset.db]
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slot_of = {
                _slot_key(_adapted(connection, value)): name
                for name, value in self.stand_ins.items()
            }
            slots = tuple(slot_of.get(_slot_key(param)) for param in params)
            missing = set(self.stand_ins) - set(slots)
            if missing:
                raise AssertionError(
                    f"{self.build.__qualname__}: the compiled query lost {sorted(missing)}"
                )
            self._compiled[variant] = (queryset, compiler, sql, params, slots)
        return self._compiled[variant]

    def __call__(self, *, variant: dict | None = None, **values: Any) -> list:
        """The query's results for `values`: model instances, or dicts for a values() query."""
        if values.keys() != self.stand_ins.keys():
            raise TypeError(f"expected values for {sorted(self.stand_ins)}, got {sorted(values)}")
        for name, value in values.items():
            if value is None or not isinstance(value, type(self.stand_ins[name])):
                raise TypeError(f"{name}: {value!r} is not a {type(self.stand_ins[name]).__name__}")
        queryset, compiler, sql, params, slots = self._compile(
            tuple(sorted((variant or {}).items()))
        )
        connection = connections[queryset.db]
        bound = tuple(
            param if slot is None else _adapted(connection, values[slot])
            for slot, param in zip(slots, params, strict=True)
        )
        ready = copy.copy(compiler)
        ready.connection = connection
        ready.as_sql = lambda *args, **kwargs: (sql, bound)
        run = queryset._chain()
        # The chained copy is evaluated here and never handed out, so the compiler it is given
        # (the cached one's copy, with this call's parameters) cannot leak into another query.
        run.query.get_compiler = lambda *args, **kwargs: ready
        return list(run)
