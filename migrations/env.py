"""Alembic environment: runs against the engine roadmap hands it (see roadmap.store.migrate)."""

from __future__ import annotations

from typing import Any

from alembic import context

from roadmap.store.models import Base, UTCDateTime


def render_item(kind: str, obj: Any, _context: Any) -> str | bool:
    """Write the store's own column types as plain SQLAlchemy types in new revisions."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
