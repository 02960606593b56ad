"""Alembic, driven from code: the only way the schema is made or changed.

Alembic is imported only to migrate: checking that a store is current is one query
against `HEAD`, and every command opens the store (Alembic's import was a quarter of a
command's start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from roadmap.resources import data_path

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest migration in `migrations/versions` (a test holds it to Alembic's answer).
HEAD = "0007"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration for `migrations/` that uses `engine`'s connections."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(data_path("migrations")))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision(engine: Engine) -> str | None:
    """The newest revision, as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the newest revision; True when anything was applied."""
    if current_revision(engine) == HEAD:
        return False
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return True


def upgrade_store(url: str) -> tuple[str | None, str | None]:
    """`roadmap db upgrade`: the store at `url` brought to the newest revision; the
    revisions before and after."""
    from roadmap.store.engine import make_engine

    engine = make_engine(url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        return before, current_revision(engine)
    finally:
        engine.dispose()


def store_revisions(url: str) -> tuple[str | None, str | None]:
    """`roadmap db current`: the revision the store at `url` is at, and the newest."""
    from roadmap.store.engine import make_engine

    engine = make_engine(url)
    try:
        return current_revision(engine), head_revision(engine)
    finally:
        engine.dispose()
