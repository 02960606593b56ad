"""The store's foundation: one database, brought to the newest schema when opened, its
transactions, and the lock that keeps two syncs apart."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Self

from sqlalchemy import (
    Connection,
    Engine,
    event,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from roadmap.collector import collector_paused
from roadmap.errors import InputError, StoreBusy
from roadmap.store import migrate
from roadmap.store.batch import Upsert, make_upsert
from roadmap.store.engine import make_engine


@dataclass(slots=True, frozen=True)
class CursorState:
    position: str | None
    url: str | None
    etag: str | None


class StaleIssue(NamedTuple):
    """A roadmap issue whose comments, events and linked pull requests lag behind it."""

    id: int
    number: int
    updated_at: datetime
    comments: int  # as GitHub counts them
    stored_comments: int
    never_read: bool  # no details were ever read for it


class StoreBase:
    """One database, brought to the newest schema when opened."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._upserts: dict[tuple[type[Any], tuple[str, ...], tuple[str, ...]], Upsert] = {}

    @classmethod
    def open(cls, url: str) -> Self:
        engine = make_engine(url)
        try:
            _upgrade(engine)
        except OperationalError as error:
            engine.dispose()
            raise InputError(f"cannot open the store: {error.orig}") from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error.

        Without the cycle collector: a transaction's rows live until it ends and make no
        cycles, and a full collection over a page's or a repository's rows (10,000 of
        them) cost a sync more than the transactions' own Python work (issue 16)."""
        with collector_paused(), Session(self.engine, expire_on_commit=False) as session, \
                session.begin():
            yield session

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction on a plain connection, for the writes of every page, which need
        no ORM session (making one cost more than a page's small queries)."""
        with collector_paused(), self.engine.begin() as connection:
            yield connection

    def _insert(self, model: type[Any]) -> Any:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(model)

    def _upsert(self, session: Session | Connection, model: type[Any],
                rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
        """Insert `rows` (dicts with the same keys), or update those whose `keys` exist.

        One executemany, its statement built once per table and columns (`batch`)."""
        if not rows:
            return
        cached = (model, tuple(keys), tuple(rows[0]))
        upsert = self._upserts.get(cached)
        if upsert is None:
            upsert = self._upserts[cached] = make_upsert(self.engine, *cached)
        upsert.run(session.connection() if isinstance(session, Session) else session, rows)

    # -- locking ------------------------------------------------------------------------

    @contextlib.contextmanager
    def sync_lock(self) -> Iterator[None]:
        """Hold the store for one sync; a second sync at the same time refuses clearly."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                got = connection.execute(text("SELECT pg_try_advisory_lock(7202611)")).scalar()
                if not got:
                    raise StoreBusy("another sync is using this store; try again when it ends")
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(7202611)"))
            return
        database = self.engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.sync-lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreBusy(f"another sync is using {Path(database).name}; "
                                "try again when it ends") from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield


def now() -> datetime:
    return datetime.now(UTC)


def _upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, all or nothing.

    pysqlite sends no BEGIN before DDL, so each CREATE TABLE of a migration committed on
    its own: a first sync killed while the store was being made left tables and no
    version, and every later open failed ("table items already exists"). On SQLite the
    migration runs in one BEGIN IMMEDIATE transaction instead, which also makes a second
    process that opens a new store at the same time wait, then find it made.
    """
    if engine.dialect.name != "sqlite":
        migrate.upgrade(engine)
        return
    if migrate.current_revision(engine) == migrate.HEAD:
        return
    ddl = engine.execution_options()  # shares the pool; listeners added here are its own
    event.listen(ddl, "begin", _begin_immediate)
    try:
        migrate.upgrade(ddl)
    finally:
        engine.dispose()  # drop the connections switched to manual transactions


def _begin_immediate(connection: Connection) -> None:
    connection.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]
    connection.exec_driver_sql("BEGIN IMMEDIATE")
