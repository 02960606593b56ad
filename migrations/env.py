"""Alembic environment: runs against the engine roadmap hands it (see roadmap.store.migrate)."""

from __future__ import annotations

from alembic import context

from roadmap.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
