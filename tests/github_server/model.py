"""The test server's data: plain records for users, repos, issues, comments and events.

Times are whole epoch seconds, like GitHub's one-second `...Z` timestamps, so several
objects can share an `updated_at`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

START = 1_748_779_200  # 2025-06-01T12:00:00Z: a fixed start keeps tests deterministic


def iso(epoch: int | None) -> str | None:
    """GitHub's timestamp form, `2025-06-01T12:00:00Z`."""
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def parse_time(text: str) -> int:
    """Epoch seconds of an ISO 8601 time or date (`since=`, search qualifiers)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


class Clock:
    """The server's notion of now; moves only when told to."""

    def __init__(self, start: int = START) -> None:
        self._now = start

    def now(self) -> int:
        return self._now

    def advance(self, seconds: float) -> int:
        self._now += int(seconds)
        return self._now

    def set(self, moment: datetime | int) -> None:
        self._now = moment if isinstance(moment, int) else int(moment.timestamp())


@dataclass(slots=True, eq=False)
class User:
    login: str
    id: int
    bot: bool = False
    site_admin: bool = False
    search_needs_type: bool | None = None  # None: the server's default
    cache: dict[str, object] | None = None


@dataclass(slots=True, eq=False)
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False
    updated_at: int = 0


@dataclass(slots=True, eq=False)
class Milestone:
    id: int
    number: int
    title: str
    creator: User
    created_at: int
    description: str | None = None
    due_on: int | None = None
    state: str = "open"


@dataclass(slots=True, eq=False)
class Comment:
    id: int
    issue: Issue
    user: User
    body: str
    created_at: int
    updated_at: int
    cache: bytes | None = None


@dataclass(slots=True, frozen=True)
class Commit:
    """A commit that references an issue, pushed to `repo` (a `referenced` event's)."""

    sha: str
    repo: Repo


@dataclass(slots=True, eq=False)
class Event:
    """An issue event; `timeline_only` ones (cross-references) are not in `/events`.
    A `referenced` event's actor is None when GitHub maps its commit's author to no
    account."""

    id: int | None
    issue: Issue
    actor: User | None
    event: str
    created_at: int
    payload: dict[str, object] = field(default_factory=dict)
    timeline_only: bool = False


@dataclass(slots=True, eq=False)
class Issue:
    id: int
    repo: Repo
    number: int
    title: str
    body: str
    user: User
    created_at: int
    updated_at: int
    is_pr: bool = False
    labels: list[Label] = field(default_factory=list)
    assignees: list[User] = field(default_factory=list)
    milestone: Milestone | None = None
    state: str = "open"
    state_reason: str | None = None
    closed_at: int | None = None
    closed_by: User | None = None
    merged_at: int | None = None
    locked: bool = False
    lock_reason: str | None = None
    parent: Issue | None = None  # the issue this one is a sub-issue of
    children: list[Issue] = field(default_factory=list)  # its sub-issues, in order added
    # a search-index snapshot's sub-issue (total, completed), frozen when it was indexed
    frozen_summary: tuple[int, int] | None = None
    comments: list[Comment] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    timeline: list[Event | Comment] = field(default_factory=list)
    cache: bytes | None = None  # rendered list JSON, dropped on every change

    def label_names(self) -> set[str]:
        return {label.name.lower() for label in self.labels}

    def sub_issue_counts(self) -> tuple[int, int]:
        """(total, completed) sub-issues; a closed sub-issue counts as completed, whatever
        its state reason, as GitHub's progress bar counts it."""
        if self.frozen_summary is not None:
            return self.frozen_summary
        if not self.children:
            return 0, 0
        return len(self.children), sum(child.state == "closed" for child in self.children)


@dataclass(slots=True, eq=False)
class Gone:
    """What answers for an issue number that left the repo: deleted (410) or moved (301)."""

    moved_to: Issue | None = None


@dataclass(slots=True, eq=False)
class Repo:
    id: int
    owner: User
    name: str
    created_at: int
    private: bool = False
    collaborators: set[str] = field(default_factory=set)
    issues: dict[int, Issue] = field(default_factory=dict)  # by number, in creation order
    gone: dict[int, Gone] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)  # by id, ascending
    events: list[Event] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)  # by lower-case name
    milestones: dict[int, Milestone] = field(default_factory=dict)
    next_number: int = 1
    views: dict[tuple[object, ...], list[Issue]] = field(default_factory=dict)
    comment_views: dict[tuple[object, ...], list[Comment]] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    def can_push(self, login: str) -> bool:
        return login == self.owner.login or login in self.collaborators

    def forget_views(self) -> None:
        self.views.clear()
        self.comment_views.clear()
