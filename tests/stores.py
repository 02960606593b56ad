"""Store backends for tests: a SQLite file always, PostgreSQL when CI provides one.

`ROADMAP_TEST_POSTGRES_URL` names a server (its `postgres` database); each test gets a
database of its own there. `.ci/run` sets it and `ROADMAP_REQUIRE_POSTGRES=1`, so in CI
a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from roadmap.store import Store

POSTGRES = os.environ.get("ROADMAP_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("ROADMAP_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of `backend`, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'roadmap.db'}"
        return
    if not POSTGRES:
        if REQUIRE_POSTGRES:
            pytest.fail("ROADMAP_REQUIRE_POSTGRES is set but ROADMAP_TEST_POSTGRES_URL is not")
        pytest.skip("PostgreSQL tests run where ROADMAP_TEST_POSTGRES_URL names a server (CI)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"roadmap_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def opened_store(backend: str, folder: Path) -> Iterator[Store]:
    """A Store on a fresh database of `backend`, closed and removed afterwards."""
    with database_url(backend, folder) as url:
        store = Store.open(url)
        try:
            yield store
        finally:
            store.close()
