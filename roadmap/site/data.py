"""The site's data, typed: what `gather` hands to `render`, and `roadmap.json`'s shape.

Each class lists its fields in the order `roadmap.json` writes them (`plain` turns one
into that JSON object), so the file reads as it always has. Templates read the same
names as attributes (`item.title`, `issue.claims`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from roadmap.model import SubIssues
from roadmap.track.overview import ItemCounts


@dataclass(slots=True, frozen=True)
class PersonRef:
    """A login and its page (None: not a GitHub login, so no page)."""

    login: str
    page: str | None


@dataclass(slots=True, frozen=True)
class Totals:
    """The whole roadmap's progress (top-level items) and its one count of issues."""

    done: int
    in_progress: int
    stalled: int
    planned: int
    dropped: int
    total: int
    issues: int
    open_issues: int
    labelled_pull_requests: int


@dataclass(slots=True, frozen=True)
class Task:
    """A checklist line of an item's text."""

    text: str
    done: bool


@dataclass(slots=True, frozen=True)
class SubIssueRef:
    """A sub-issue of an issue card."""

    repo: str
    number: int
    title: str
    state: str
    state_reason: str | None
    url: str | None


@dataclass(slots=True, frozen=True)
class ClaimView:
    """Someone's claim on an issue, as its card shows it."""

    login: str
    page: str | None
    kind: str
    since: str | None
    last_activity: str | None
    stale: bool
    evidence: str
    evidence_url: str | None


@dataclass(slots=True, frozen=True)
class PullView:
    """A pull request linked to an issue."""

    repo: str
    number: int
    title: str
    url: str | None
    state: str
    merged: bool
    author: str | None


@dataclass(slots=True, frozen=True)
class SiteIssue:
    """An issue card of an item page."""

    repo: str
    number: int
    ref: str
    title: str
    url: str | None
    state: str
    state_reason: str | None
    is_pull_request: bool
    labels: tuple[str, ...]
    chips: tuple[str, ...]
    assignees: tuple[str, ...]
    updated_at: str | None
    linked_by: str | None
    sub_issues: SubIssues | None
    sub_issue_list: tuple[SubIssueRef, ...]
    claims: tuple[ClaimView, ...]
    pulls: tuple[PullView, ...]


@dataclass(slots=True, frozen=True)
class Event:
    """A recorded change, as an item's history lists it."""

    at: str | None
    kind: str
    subject: str
    detail: str


@dataclass(slots=True, frozen=True)
class SiteItem:
    """A roadmap item and everything its page shows."""

    id: str
    number: str | None
    title: str
    level: int
    parent: str | None
    children: tuple[str, ...]
    page: str | None
    anchor: str | None
    declared: str | None
    declared_raw: str | None
    status: str
    milestone: str | None
    owners: tuple[PersonRef, ...]
    #: Its leaf items by status (`total` too, in `roadmap.json`).
    progress: ItemCounts
    issues_closed: int
    issues_total: int
    sub_issues: SubIssues | None
    people: tuple[PersonRef, ...]
    last_activity: str | None
    drift: tuple[str, ...]
    body: str
    tasks: tuple[Task, ...]
    issues: tuple[SiteIssue, ...]
    history: tuple[Event, ...]


@dataclass(slots=True, frozen=True)
class PersonIssue:
    """An issue someone works on, as their card and page list it."""

    repo: str
    number: int
    title: str
    item: str | None
    kind: str
    since: str | None
    last_activity: str | None
    stale: bool
    ref: str
    url: str | None
    item_title: str | None
    item_number: str | None
    item_page: str | None


@dataclass(slots=True, frozen=True)
class Owned:
    """An item the roadmap names someone as owner of."""

    id: str
    item_title: str | None
    item_number: str | None
    item_page: str | None


@dataclass(slots=True, frozen=True)
class Person:
    """Someone's claims (active first) and the items they own."""

    login: str
    page: str | None
    issues: tuple[PersonIssue, ...]
    active: int
    stale: int
    since: str | None
    owns: tuple[Owned, ...]


@dataclass(slots=True, frozen=True)
class StaleClaim:
    """The stale claim on an issue that is free again."""

    login: str
    since: str | None
    last_activity: str | None
    stale: bool
    page: str | None


@dataclass(slots=True, frozen=True)
class Wanted:
    """An open issue nobody holds an active claim on."""

    repo: str
    number: int
    title: str
    url: str | None
    item: str | None
    labels: tuple[str, ...]
    claim: StaleClaim | None
    ref: str
    good_first: bool
    chips: tuple[str, ...]
    item_title: str | None
    item_number: str | None
    item_page: str | None


@dataclass(slots=True, frozen=True)
class Change:
    """A change of the changes page and the feed, with the item and issue it concerns."""

    at: str | None
    kind: str
    subject: str
    detail: str
    item: str | None
    item_title: str | None
    item_number: str | None
    item_page: str | None
    issue_title: str | None
    issue_url: str | None


@dataclass(slots=True, frozen=True)
class Site:
    """Everything the site shows: `roadmap.json`."""

    schema: int
    title: str
    base_url: str | None
    last_sync: str | None
    data_as_of: str | None
    totals: Totals
    items: tuple[SiteItem, ...]
    people: tuple[Person, ...]
    help_wanted: tuple[Wanted, ...]
    changes: tuple[Change, ...]


_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> dict[str, Any]:
    """One of these dataclasses as the JSON object it stands for (one level: `json`
    calls this again for the dataclasses inside)."""
    kind = type(value)
    if kind is ItemCounts:
        counts: ItemCounts = value
        return counts.as_dict()  # its total is a property, not a field
    names = _NAMES.get(kind)
    if names is None:
        try:
            names = _NAMES[kind] = tuple(f.name for f in fields(value))
        except TypeError:
            raise TypeError(f"{kind.__name__} is not JSON serializable") from None
    return {name: getattr(value, name) for name in names}
