"""The store's tables as SQLAlchemy 2 typed models.

Alembic migrations in `migrations/` create and change these tables; a test checks
that upgrading an empty database gives exactly this schema. Nothing outside the
store package sees these classes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return _utc(value) if isinstance(value, datetime) else None

    def result_processor(self, dialect: Dialect,
                         coltype: Any) -> Callable[[Any], datetime | None] | None:
        if dialect.name == "sqlite":  # text comes back: read it as UTC in one step
            return _from_sqlite
        return super().result_processor(dialect, coltype)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _from_sqlite(value: str | None) -> datetime | None:
    """SQLite's text (`2026-11-28 19:00:00.000000`, in UTC) as an aware datetime.

    One parse, where parsing it naive then `replace(tzinfo=UTC)` took five times as long:
    a tenth of a second of a 10,000-issue report (issue 5).
    """
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value + "+00:00")
    except ValueError:  # not as the store writes it: an offset of its own
        moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is UTC else _utc(moment)  # or a bare date


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 (SQLAlchemy reads it)


class Repository(Base):
    """A GitHub repository the roadmap follows."""

    __tablename__ = "repositories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: GitHub's id; None for a repository known only from an imported export.
    github_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(200), unique=True)
    html_url: Mapped[str] = mapped_column(String(500))


class Issue(Base):
    """An issue or pull request that carries (or carried) the roadmap label."""

    __tablename__ = "issues"
    __table_args__ = (UniqueConstraint("repo_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    repo_id: Mapped[int] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    #: GitHub's id; None for an issue known only from an imported export.
    github_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20))
    state_reason: Mapped[str | None] = mapped_column(String(40))
    is_pull_request: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str | None] = mapped_column(String(100))
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    assignees: Mapped[list[str]] = mapped_column(JSON, default=list)
    milestone: Mapped[str | None] = mapped_column(String(300))
    comments: Mapped[int] = mapped_column(Integer, default=0)
    html_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    #: Whether it carries the label now; an issue that lost it stays, with its history.
    on_roadmap: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why it left: "unlabeled", "deleted" or "transferred" (then `moved_to` says where).
    gone: Mapped[str | None] = mapped_column(String(20))
    moved_to: Mapped[str | None] = mapped_column(String(500))
    #: The `updated_at` whose comments, events and linked pull requests are stored.
    details_at: Mapped[datetime | None] = mapped_column()
    synced_at: Mapped[datetime] = mapped_column()
    #: GitHub's `sub_issues_summary` (None where GitHub sent none, as in an export).
    sub_total: Mapped[int | None] = mapped_column(Integer)
    sub_completed: Mapped[int | None] = mapped_column(Integer)
    sub_percent: Mapped[int | None] = mapped_column(Integer)
    #: The summary ("total/completed") the stored sub-issues stand for: a list is read
    #: again when the summary moves away from it (adding a sub-issue moves no `updated_at`).
    sub_listed: Mapped[str | None] = mapped_column(String(40))
    #: The API URL of its parent issue, when it is itself a sub-issue.
    parent_url: Mapped[str | None] = mapped_column(String(500))


class SubIssue(Base):
    """A sub-issue of a roadmap issue (in any repository of the same owner)."""

    __tablename__ = "sub_issues"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True
    )
    github_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer)
    repo: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    state_reason: Mapped[str | None] = mapped_column(String(40))
    html_url: Mapped[str] = mapped_column(String(500))


class Comment(Base):
    """A comment on a roadmap issue (claims are read from these)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str | None] = mapped_column(String(100))
    author_is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text, default="")
    #: A Markdown comment's own lines (not quoted, not code), read once when stored; None
    #: for plain text (its lines are its own) and for comments stored before it was kept.
    own_words: Mapped[str | None] = mapped_column(Text)
    #: The commands of its lines under the default patterns, one "kind[ login]" a line
    #: ("" for none); None for comments stored before it was kept.
    commands: Mapped[str | None] = mapped_column(Text)
    html_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class Event(Base):
    """An assignment, label, state or title event of a roadmap issue, or a commit that
    references it (`referenced`)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(100))
    #: The assignee, label, new title or referencing commit's id the event is about.
    subject: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column()


class PullLink(Base):
    """A pull request linked to a roadmap issue, by a cross-reference or as closing it."""

    __tablename__ = "pull_links"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True
    )
    pr_url: Mapped[str] = mapped_column(String(500), primary_key=True)
    repo: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "cross-referenced" or "closing"
    updated_at: Mapped[datetime] = mapped_column()


class RoadmapItem(Base):
    """An item of the parsed roadmap, as `roadmap parse` gives it."""

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    parent: Mapped[str | None] = mapped_column(String(200))
    line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str | None] = mapped_column(String(20))
    status_raw: Mapped[str | None] = mapped_column(Text)
    milestone: Mapped[str | None] = mapped_column(String(300))
    owners: Mapped[list[str]] = mapped_column(JSON, default=list)
    refs: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    tasks: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(500))


class SyncRun(Base):
    """One sync of one repository: what it cost and how it ended."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_repo_started", "repo", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    repo: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    rate_limit_remaining: Mapped[int | None] = mapped_column(Integer)
    issues_seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    #: Rate-limit points spent: core (REST) and search budgets apart; a 304 costs none.
    core_points: Mapped[int] = mapped_column(Integer, default=0)
    search_points: Mapped[int] = mapped_column(Integer, default=0)
    #: "running", "ok", "rate-limited", "failed" or "interrupted".
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    message: Mapped[str | None] = mapped_column(Text)


class Cursor(Base):
    """Where the next incremental sync of a repository resumes, and the ETag to ask with."""

    __tablename__ = "cursors"

    repo_id: Mapped[int] = mapped_column(
        ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(200))


class ManualLink(Base):
    """A `roadmap link` or `roadmap unlink` of an issue and an item, kept across re-parses."""

    __tablename__ = "manual_links"
    __table_args__ = (UniqueConstraint("item_id", "repo", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(200))
    repo: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    #: "link" or "unlink".
    action: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column()


class Change(Base):
    """One change of a tracked fact, recorded at a sync: history keeps changes, not copies."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_key_at", "key", "at"), Index("ix_history_at", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column()
    #: "item:<id>", "issue:<repo>#<n>", "title:<repo>#<n>" or "claim:<repo>#<n>:<login>".
    key: Mapped[str] = mapped_column(String(400))
    #: The new value (None: the fact no longer holds), and the one it replaced.
    value: Mapped[str | None] = mapped_column(Text)
    previous: Mapped[str | None] = mapped_column(Text)
    #: When it happened on GitHub, where that is known (a claim's comment or assignment,
    #: an issue's closing); `at` is when a sync saw it, which report windows go by.
    happened_at: Mapped[datetime | None] = mapped_column()


class Report(Base):
    """When a report was written, so the next one says what changed since."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column()
    format: Mapped[str] = mapped_column(String(10))


class Answer(Base):
    """An answer `roadmap respond` wrote (or is writing) on GitHub: one per comment, reminder
    or release, so that nothing is answered twice, across re-runs and restarts."""

    __tablename__ = "answers"

    #: "comment:<repo>:<comment id>", "remind:<repo>#<n>:<login>:<since>" or "release:...".
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    repo: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    #: What was answered ("claimed", "refused", ...), or "pending" while it is written.
    kind: Mapped[str] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column()


class Delivery(Base):
    """A webhook delivery the receiver accepted: its id (GitHub reuses it when it delivers
    again), and what it carried until the work is done."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_state_seq", "state", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery: Mapped[str] = mapped_column(String(100), unique=True)
    event: Mapped[str] = mapped_column(String(60))
    received_at: Mapped[datetime] = mapped_column()
    #: The payload, dropped once the delivery is done.
    payload: Mapped[str | None] = mapped_column(Text)
    #: "pending", "done" or "failed".
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column()
