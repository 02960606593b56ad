"""What the site reads from the store beyond the shared views: item texts, and a
cheap version of everything a page shows, so a rebuild with nothing new skips work.

Plain values out; the SQLAlchemy models stay in these functions.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from roadmap.store import HistoryRow, Store
from roadmap.store.models import (
    Change,
    Comment,
    Event,
    Issue,
    ManualLink,
    PullLink,
    Repository,
    RoadmapItem,
    SyncRun,
)


def load_history(store: Store) -> tuple[datetime | None, list[HistoryRow]]:
    """Where history starts (its first record), and every recorded change the site may
    show, oldest first: all but the first record's, and those of the first record GitHub
    dates (`happened_at`, such as a claim at its comment), which an item's history keeps.

    Plain rows, filtered here: the first record of a 10,000-issue roadmap is tens of
    thousands of "issue added" the site never shows.
    """
    with store.session() as session:
        connection = session.connection()
        start = connection.execute(select(func.min(Change.at))).scalar()
        rows = connection.execute(
            select(Change.at, Change.key, Change.value, Change.previous, Change.happened_at)
            .where(or_(Change.at != start, and_(Change.happened_at.is_not(None),
                                                Change.happened_at != Change.at)))
            .order_by(Change.at, Change.id))
        return start, [HistoryRow(*row) for row in rows]


def _flag(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def load_store_version(store: Store) -> str:
    """A digest that changes whenever the store changes in a way a page could show.

    Every store write moves one of these: an upserted issue gets a new `synced_at`,
    comments, events and pull links change their count, id sum or newest time, history
    its newest id, a sync run its finish time. Items are few and replaced wholesale on
    every parse, so their content is hashed instead.
    """
    queries = [
        select(func.count(), func.max(Issue.synced_at), func.max(Issue.updated_at),
               func.max(Issue.details_at), func.count(Issue.details_at),
               _flag(Issue.on_roadmap.is_(True))),
        select(func.count(), func.max(Comment.id), func.sum(Comment.id),
               func.max(Comment.updated_at)),
        select(func.count(), func.sum(Event.id), func.max(Event.created_at)),
        select(func.count(), func.max(PullLink.updated_at), _flag(PullLink.merged.is_(True)),
               _flag(PullLink.state == "open")),
        select(func.count(), func.max(ManualLink.id), func.max(ManualLink.created_at)),
        select(func.count(), func.max(Change.id)),
        select(func.max(SyncRun.finished_at)).where(SyncRun.outcome == "ok"),
        select(func.count(), func.max(Repository.id)),
    ]
    digest = hashlib.sha256()
    with store.session() as session:
        for query in queries:
            digest.update(repr(tuple(session.execute(query).one())).encode())
        for row in session.execute(select(
                RoadmapItem.id, RoadmapItem.position, RoadmapItem.number, RoadmapItem.title,
                RoadmapItem.level, RoadmapItem.parent, RoadmapItem.anchor, RoadmapItem.body,
                RoadmapItem.status, RoadmapItem.status_raw, RoadmapItem.milestone,
                RoadmapItem.owners, RoadmapItem.refs, RoadmapItem.tasks)
                .order_by(RoadmapItem.position)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
