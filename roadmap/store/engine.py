"""Opening a database: SQLite by default (WAL, foreign keys, a busy timeout), or any URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from roadmap.errors import InputError

#: How long a write waits for another process's write before giving up, in seconds.
BUSY_TIMEOUT = 30


def default_url(roadmap: Path) -> str:
    """The SQLite file `.roadmap/roadmap.db` beside the roadmap file."""
    return f"sqlite:///{roadmap.resolve().parent / '.roadmap' / 'roadmap.db'}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the folder is created and the pragmas set."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"not a database URL: {_redact(url)}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.database)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as error:
        raise InputError(f"cannot use {parsed.drivername}: {error}") from None


def _sqlite_engine(database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{database or ':memory:'}",
        connect_args={"timeout": BUSY_TIMEOUT},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _redact(url: str) -> str:
    """A URL fit to print: any password replaced."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"
