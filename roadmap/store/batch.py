"""Batched upserts: a page of rows in one executemany, its statement built once.

Building an upsert statement, and the ORM's bulk path, cost more than the database's
own work; so did SQLAlchemy's per-row parameter processing on SQLite, where the
statement is compiled once and the driver is handed the values SQLAlchemy's own bind
processors make (a moment as SQLite's DATETIME text in one step). A test holds the
rows byte for byte equal to those of SQLAlchemy's typed insert (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite

from roadmap.store.models import UTCDateTime

Convert = Callable[[Any], Any] | None


@dataclass(slots=True, frozen=True)
class Upsert:
    """One table's upsert for rows with the same keys; `sql` when the driver runs it."""

    statement: Any
    sql: str | None = None
    #: The row keys in the order of the SQL's parameters, and the conversion of those
    #: whose values the driver does not take as they are (by their place).
    names: tuple[str, ...] = ()
    converts: tuple[tuple[int, Callable[[Any], Any]], ...] = ()

    def run(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if self.sql is None:
            connection.execute(self.statement, list(rows))
            return
        pick = itemgetter(*self.names)
        values = [list(pick(row)) for row in rows]
        for place, convert in self.converts:
            for row in values:
                row[place] = convert(row[place])
        connection.exec_driver_sql(self.sql, [tuple(row) for row in values])


def make_upsert(engine: Engine, model: type[Any], keys: tuple[str, ...],
                columns: tuple[str, ...]) -> Upsert:
    """Insert rows with `columns`, or update those whose `keys` exist already."""
    table = model.__table__
    dialect = engine.dialect
    insert = (postgresql if dialect.name == "postgresql" else sqlite).insert(table)
    statement = insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: insert.excluded[name] for name in columns if name not in keys})
    if dialect.name != "sqlite":
        return Upsert(statement)
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    order = compiled.positiontup
    if order is None or len(order) < 2 or not set(order) <= set(columns):
        return Upsert(statement)  # a default to compute: SQLAlchemy's own way
    converts = tuple((place, convert) for place, name in enumerate(order)
                     if (convert := _convert(table.c[name].type, dialect)) is not None)
    return Upsert(statement, compiled.string, tuple(order), converts)


def _convert(kind: Any, dialect: Any) -> Convert:
    if isinstance(kind, UTCDateTime):
        return sqlite_moment
    converted: Convert = kind.dialect_impl(dialect).bind_processor(dialect)
    return converted


def sqlite_moment(value: datetime | None) -> str | None:
    """A moment as UTCDateTime then SQLite's DATETIME store it: UTC, `2026-11-28
    19:00:00.000000`."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
