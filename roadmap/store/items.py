"""The roadmap's side of the store: its items, manual links, and history (facts, changes,
reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    delete,
    func,
    select,
    update,
)

from roadmap.model import (
    Item,
    Ref,
    RefKind,
    Roadmap,
    Status,
    StatusValue,
    Task,
)
from roadmap.store.base import StoreBase, now
from roadmap.store.models import (
    Change,
    ManualLink,
    Report,
    RoadmapItem,
    SyncRun,
)


class ItemRows(StoreBase):
    """The parsed roadmap's items and links, and what changed when."""

    # -- roadmap items ------------------------------------------------------------------

    def save_items(self, roadmap: Roadmap) -> None:
        """Replace the stored items with those of a freshly parsed roadmap."""
        rows = [{
            "id": item.id, "position": n, "number": item.number, "title": item.title,
            "level": item.level, "parent": item.parent, "line": item.line,
            "end_line": item.end_line, "anchor": item.anchor, "body": item.body,
            "status": item.status.value if item.status else None,
            "status_raw": item.status.raw if item.status else None,
            "milestone": item.milestone, "owners": list(item.owners),
            "refs": [{"kind": r.kind, "repo": r.repo, "number": r.number, "url": r.url}
                     for r in item.refs],
            "tasks": [{"text": t.text, "done": t.done, "line": t.line} for t in item.tasks],
            "source": roadmap.source,
        } for n, item in enumerate(roadmap.items)]
        with self.session() as session:
            old = {i.id: _ref_keys(i.refs) for i in session.scalars(select(RoadmapItem))}
            new = {item.id: _ref_keys([{"repo": r.repo, "number": r.number} for r in item.refs])
                   for item in roadmap.items}
            for before, after in renamed(old, new).items():
                session.execute(update(ManualLink).where(ManualLink.item_id == before)
                                .values(item_id=after))
            session.execute(delete(RoadmapItem))
            if rows:
                session.execute(self._insert(RoadmapItem), rows)

    def load_items(self) -> list[Item]:
        """The stored roadmap items, in document order, as the parse made them."""
        with self.session() as session:
            return [_item_of(row) for row in
                    session.scalars(select(RoadmapItem).order_by(RoadmapItem.position))]

    def save_manual_link(self, item_id: str, repo: str, number: int, action: str) -> None:
        with self.session() as session:
            self._upsert(session, ManualLink, [{"item_id": item_id, "repo": repo,
                                                "number": number, "action": action,
                                                "created_at": now()}],
                         ["item_id", "repo", "number"])

    def load_manual_links(self) -> list[tuple[str, str, int, str]]:
        with self.session() as session:
            return [(m.item_id, m.repo, m.number, m.action)
                    for m in session.scalars(select(ManualLink).order_by(ManualLink.id))]

    # -- history ------------------------------------------------------------------------

    def load_latest_facts(self) -> dict[str, str]:
        """The newest value of every tracked fact that still holds."""
        latest = select(func.max(Change.id)).group_by(Change.key)
        with self.session() as session:
            return {key: value for key, value in session.execute(
                select(Change.key, Change.value).where(Change.id.in_(latest)))
                if value is not None}

    def save_changes(self, at: datetime,
                     changes: list[tuple[str, str | None, str | None, datetime | None]]
                     ) -> None:
        """Record (key, new value, previous value, when it happened on GitHub or None)
        changes, all seen at one moment."""
        if not changes:
            return
        with self.session() as session:
            session.execute(self._insert(Change), [
                {"at": at, "key": key, "value": value, "previous": previous,
                 "happened_at": happened}
                for key, value, previous, happened in changes])

    def load_changes(self, since: datetime, until: datetime) -> list[HistoryRow]:
        """Changes recorded after `since`, up to `until`, oldest first."""
        with self.session() as session:
            return [HistoryRow(*row) for row in session.connection().execute(
                select(Change.at, Change.key, Change.value, Change.previous,
                       Change.happened_at)
                .where(Change.at > since, Change.at <= until)
                .order_by(Change.at, Change.id))]

    def load_history_start(self) -> datetime | None:
        """When the first facts were recorded: where history starts."""
        with self.session() as session:
            return session.scalar(select(func.min(Change.at)))

    def load_last_sync(self) -> datetime | None:
        with self.session() as session:
            return session.scalar(select(func.max(SyncRun.finished_at))
                                  .where(SyncRun.outcome == "ok"))

    def load_last_report(self) -> datetime | None:
        with self.session() as session:
            return session.scalar(select(func.max(Report.at)))

    def save_report(self, at: datetime, format: str) -> None:
        with self.session() as session:
            session.add(Report(at=at, format=format))


@dataclass(slots=True, frozen=True)
class HistoryRow:
    at: datetime
    key: str
    value: str | None
    previous: str | None
    happened_at: datetime | None = None


def _item_of(row: RoadmapItem) -> Item:
    """A stored item as the `Item` it was saved from."""
    status = (Status(cast(StatusValue, row.status), row.status_raw or "")
              if row.status else None)
    refs: list[dict[str, Any]] = row.refs  # JSON the store wrote itself (save_items)
    tasks: list[dict[str, Any]] = row.tasks
    return Item(row.id, row.number, row.title, row.level, row.parent, row.line, row.end_line,
                row.anchor, row.body or "",
                [Ref(cast(RefKind, r["kind"]), r.get("repo"), int(r["number"]), r.get("url"))
                 for r in refs],
                [str(login) for login in row.owners], status,
                [Task(str(t.get("text", "")), bool(t.get("done")), int(t.get("line", 0)))
                 for t in tasks],
                row.milestone)


def _ref_keys(refs: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(str(r["repo"]).lower(), int(r["number"])) for r in refs if r.get("repo")}


def renamed(old: dict[str, set[tuple[str, int]]],
            new: dict[str, set[tuple[str, int]]]) -> dict[str, str]:
    """Items whose id changed (a retitled heading) but whose references show they are the
    same item: old id to new id, when exactly one new item shares references with it."""
    gone = [i for i in old if i not in new]
    fresh = [i for i in new if i not in old]
    mapping = {}
    for before in gone:
        matches = [after for after in fresh if old[before] & new[after]]
        if len(matches) == 1:
            mapping[before] = matches[0]
    return mapping
