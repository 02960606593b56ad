"""Who works on what, what is free, and where things stand: `who`, `available`, `status`.

Each view is a typed value made from the overview; `to_dict` gives its documented JSON
shape. The views keep the issue's record, so a reader needs no `repo#number` rebuilt.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from roadmap.model import Claim, IssueRecord
from roadmap.track.claims import shown_dates
from roadmap.track.overview import stamp
from roadmap.track.status import Overview, progress

GOOD_FIRST = ("good first issue", "good-first-issue", "beginner", "easy", "e-easy")


def is_good_first(labels: list[str]) -> bool:
    """Whether the labels mark a good first issue, in any of the usual spellings."""
    return any(label.lower() in GOOD_FIRST for label in labels)


# -- who --------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class HeldIssue:
    """An issue someone works on: by which kind of claim, since when, stale or not."""

    record: IssueRecord
    item: str | None
    kind: str
    since: str | None
    last_activity: str | None
    stale: bool

    def to_dict(self) -> dict[str, Any]:
        return {"repo": self.record.repo, "number": self.record.number,
                "title": self.record.title, "item": self.item, "kind": self.kind,
                "since": self.since, "last_activity": self.last_activity, "stale": self.stale}


@dataclass(slots=True, frozen=True)
class Person:
    """Someone working on roadmap issues, and those issues, active ones first."""

    login: str
    issues: list[HeldIssue]

    def to_dict(self) -> dict[str, Any]:
        return {"login": self.login, "issues": [issue.to_dict() for issue in self.issues]}


def who_view(overview: Overview, login: str | None = None) -> list[Person]:
    """Each person with the issues they work on, since when, last activity, stale or not.

    Active work first: people by how many active claims they hold, then how many in all;
    each person's active claims before their stale ones.
    """
    people: dict[str, list[HeldIssue]] = {}
    names: dict[str, str] = {}
    wanted = login.lower().lstrip("@") if login else None
    for record in overview.records:
        for claim in overview.claims[record.ref]:
            key = claim.login.lower()
            if wanted and key != wanted:
                continue
            names.setdefault(key, claim.login)
            since, last = shown_dates(claim)
            people.setdefault(key, []).append(HeldIssue(
                record, overview.item_of(record), claim.kind, stamp(since), stamp(last),
                claim.stale))
    for issues in people.values():
        issues.sort(key=lambda i: i.stale)  # stable: issue order within each kind

    def busiest(entry: tuple[str, list[HeldIssue]]) -> tuple[int, int, str]:
        key, issues = entry
        return -sum(not i.stale for i in issues), -len(issues), key

    return [Person(names[key], issues) for key, issues in sorted(people.items(), key=busiest)]


def known_login(overview: Overview, login: str) -> bool:
    """Whether `login` appears anywhere in the roadmap's issues: as an author, assignee,
    commenter, in an event, or as a pull request's author."""
    key = login.lower().lstrip("@")
    for record in overview.records:
        names = [record.author, *record.assignees, *(c.author for c in record.comments),
                 *(e.actor for e in record.events), *(e.subject for e in record.events),
                 *(p.author for p in record.pulls)]
        if any((name or "").lower() == key for name in names):
            return True
    return False


# -- available --------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class FreeIssue:
    """An open roadmap issue nobody holds an active claim on; `claim` is a stale one."""

    record: IssueRecord
    item: str | None
    claim: Claim | None

    def to_dict(self) -> dict[str, Any]:
        record, claim = self.record, self.claim
        return {
            "repo": record.repo, "number": record.number, "title": record.title,
            "url": record.url, "item": self.item, "labels": record.labels,
            "claim": None if claim is None else {
                "login": claim.login, "since": stamp(claim.since),
                "last_activity": stamp(claim.last_activity), "stale": claim.stale,
            },
        }


def available_view(overview: Overview, label: str | None = None) -> list[FreeIssue]:
    """Open roadmap issues nobody holds an active claim on; good first issues first, and
    in each group the unclaimed before the stale-claimed."""
    found = []
    for record in overview.records:
        if record.state != "open" or record.is_pull_request:
            continue
        if label and label.lower() not in (name.lower() for name in record.labels):
            continue
        claims = overview.claims[record.ref]
        if any(not c.stale for c in claims):
            continue
        found.append(FreeIssue(record, overview.item_of(record), claims[0] if claims else None))
    return sorted(found, key=lambda e: (not is_good_first(e.record.labels), e.claim is not None,
                                        e.record.repo, e.record.number))


def nothing_available(overview: Overview, label: str | None = None) -> str:
    """Why `available_view` is empty, in a true sentence."""
    open_issues = [r for r in overview.records if r.state == "open" and not r.is_pull_request]
    if not overview.records:
        return "no roadmap issues in the store (run `roadmap sync` or `roadmap import`)"
    if not open_issues:
        return "no open roadmap issue: every one is closed"
    if label:
        wanted = label.lower()
        if not any(wanted in (name.lower() for name in r.labels) for r in open_issues):
            return f"no open roadmap issue has the label {label!r}"
        return f"every open roadmap issue labelled {label!r} is claimed"
    return "every open roadmap issue is claimed"


# -- status -----------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class IssueCounts:
    """Roadmap issues (labelled issues), the open ones, and labelled pull requests apart."""

    roadmap_issues: int
    open_issues: int
    labelled_pull_requests: int


@dataclass(slots=True, frozen=True)
class ItemStatus:
    """An item's line of `roadmap status`: its derived status, issues, people, progress."""

    id: str
    number: str | None
    title: str
    level: int
    parent: str | None
    declared: str | None
    status: str
    issues: list[str]
    people: list[str]
    last_activity: str | None
    #: Leaf items under it (itself when a leaf) by status.
    progress: dict[str, int]
    drift: list[str]
    sub_issues: dict[str, int] | None
    issue_sub_issues: dict[str, dict[str, int]]


@dataclass(slots=True, frozen=True)
class Attention:
    """What needs a maintainer, by kind, most pressing first, each entry one line."""

    unlinked_issues: list[str]
    drift: list[str]
    conflicts: list[str]
    stalled: list[str]
    stale_claims: list[str]
    items_without_issue: list[str]


@dataclass(slots=True, frozen=True)
class Suggestion:
    """An issue linked to no item, and the item its title is most like."""

    issue: str
    item: str
    score: float | None


@dataclass(slots=True, frozen=True)
class StatusView:
    """`roadmap status`: counts, each item's progress, and what needs attention."""

    counts: IssueCounts
    items: list[ItemStatus]
    attention: Attention
    suggestions: list[Suggestion]
    #: The titles of the unlinked issues, by `repo#number`.
    issue_titles: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The documented `roadmap status --json` shape (the fields, in order)."""
        return dataclasses.asdict(self)


def status_view(overview: Overview) -> StatusView:
    """Progress per item, who, and what needs attention."""
    items = [ItemStatus(
        state.item.id, state.item.number, state.item.title, state.item.level,
        state.item.parent, state.item.declared, state.status,
        [f"{r.repo}#{r.number}" for r in state.issues], state.people,
        stamp(state.last_activity), progress(overview.items, state), state.drift,
        state.sub_issues.to_dict() if state.sub_issues else None,
        {r.ref: r.sub_issues.to_dict() for r in state.issues if r.sub_issues},
    ) for state in overview.items]
    suggested = {f"{s.repo}#{s.number}": s for s in overview.suggestions}
    # Issues with a suggestion first (best first): one `roadmap link` away from linked.
    unlinked = sorted((r for r in overview.unlinked if not r.is_pull_request),
                      key=lambda r: -(suggested[r.ref].score or 0) if r.ref in suggested else 1)
    stale = sorted(((r, c) for r in overview.records for c in overview.claims[r.ref]
                    if c.stale), key=lambda rc: rc[1].last_activity)
    issues = [r for r in overview.records if not r.is_pull_request]
    return StatusView(
        IssueCounts(len(issues), sum(r.state == "open" for r in issues),
                    len(overview.records) - len(issues)),
        items,
        Attention(
            [r.ref for r in unlinked],
            [f"{s.item.id}: {d}" for s in overview.items for d in s.drift],
            list(overview.conflicts),
            [s.item.id for s in overview.stalled()],
            [f"{r.ref}: @{c.login}'s claim has had no activity since "
             f"{stamp(c.last_activity)}" for r, c in stale],
            [s.item.id for s in overview.items if s.no_issue],
        ),
        [Suggestion(f"{s.repo}#{s.number}", s.item_id, s.score)
         for s in sorted(overview.suggestions, key=lambda s: -(s.score or 0))],
        {r.ref: r.title for r in unlinked},
    )
