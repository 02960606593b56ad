"""Who works on what, what is free, and where things stand: `who`, `available`, `status`.

Each view is gathered from the store into plain dicts (the documented JSON shapes),
then rendered; nothing here talks to GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from roadmap.collector import collector_paused
from roadmap.config import Config
from roadmap.model import Claim, IssueRecord, Item
from roadmap.parse.comments import DEFAULT_CLAIM_PATTERNS, DEFAULT_RELEASE_PATTERNS, Patterns
from roadmap.store import Store
from roadmap.store.answers import load_refused_comments
from roadmap.track.claims import shown_dates
from roadmap.track.status import ItemState, ManualLink, Overview, build_overview, progress

GOOD_FIRST = ("good first issue", "good-first-issue", "beginner", "easy", "e-easy")


def patterns_of(config: Config) -> Patterns:
    """The configured claim and release patterns, or the defaults."""
    return Patterns.of(config.claim_patterns or DEFAULT_CLAIM_PATTERNS,
                       config.release_patterns or DEFAULT_RELEASE_PATTERNS)


def gather(store: Store, config: Config, now: datetime,
           items: list[Item] | None = None) -> Overview:
    """Items, issues, links and claims, joined: the store's items, or `items` when the
    caller has just parsed (and saved) them, so they are not read back."""
    with collector_paused():
        if items is None:
            items = store.load_items()
        manual = [ManualLink(*entry) for entry in store.load_manual_links()]
        patterns = patterns_of(config)
        records = store.load_records(words=not patterns.default)
        _drop_refused(records, load_refused_comments(store))
        return build_overview(items, records, manual, now, config.claim_expiry_days,
                              config.stale_days, patterns)


def _drop_refused(records: list[IssueRecord], refused: set[int]) -> None:
    """A claim `roadmap respond` turned down on GitHub holds nothing here either."""
    if refused:
        for record in records:
            record.comments = [c for c in record.comments if c.id not in refused]


@dataclass(frozen=True, slots=True)
class ItemCounts:
    """Leaf items by derived status, stalled apart: the one count of items (issue 12).

    The site shows it as it is (`as_dict`); the report's JSON (schema 1) was written
    before stalled items were counted apart, and `folded` is that view of it.
    """

    done: int = 0
    in_progress: int = 0
    stalled: int = 0
    planned: int = 0
    dropped: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.stalled + self.planned + self.dropped

    def __add__(self, other: ItemCounts) -> ItemCounts:
        return ItemCounts(self.done + other.done, self.in_progress + other.in_progress,
                          self.stalled + other.stalled, self.planned + other.planned,
                          self.dropped + other.dropped)

    def folded(self) -> ItemCounts:
        """The report's view (its JSON schema 1): a stalled item is still in progress."""
        return ItemCounts(self.done, self.in_progress + self.stalled, 0, self.planned,
                          self.dropped)

    def as_dict(self) -> dict[str, int]:
        """`{"done", "in_progress", "stalled", "planned", "dropped", "total"}`."""
        return {"done": self.done, "in_progress": self.in_progress, "stalled": self.stalled,
                "planned": self.planned, "dropped": self.dropped, "total": self.total}


def item_counts(overview: Overview, state: ItemState) -> ItemCounts:
    """The leaf items under `state` (itself when a leaf) by status."""
    counts = progress(overview.items, state)
    return ItemCounts(counts.get("done", 0), counts.get("in-progress", 0),
                      counts.get("stalled", 0), counts.get("planned", 0),
                      counts.get("dropped", 0))


def total_counts(overview: Overview) -> ItemCounts:
    """The leaf items of every top-level item, by status."""
    total = ItemCounts()
    for state in overview.items:
        if state.item.parent is None:
            total += item_counts(overview, state)
    return total


def stamp(moment: datetime | None) -> str | None:
    """A UTC moment as `2026-11-28T19:00:00Z` (isoformat: strftime is slow by the 10,000)."""
    # Its first 19 characters: cheaper than `replace(microsecond=0, tzinfo=None)` first.
    return moment.isoformat()[:19] + "Z" if moment else None


def who_view(overview: Overview, login: str | None = None) -> list[dict[str, Any]]:
    """Each person with the issues they work on, since when, last activity, stale or not.

    Active work first: people by how many active claims they hold, then how many in all;
    each person's active claims before their stale ones.
    """
    people: dict[str, list[dict[str, Any]]] = {}
    names: dict[str, str] = {}
    wanted = login.lower().lstrip("@") if login else None
    for record in overview.records:
        for claim in overview.claims[record.ref]:
            key = claim.login.lower()
            if wanted and key != wanted:
                continue
            names.setdefault(key, claim.login)
            since, last = shown_dates(claim)
            people.setdefault(key, []).append({
                "repo": record.repo, "number": record.number, "title": record.title,
                "item": overview.item_of(record), "kind": claim.kind,
                "since": stamp(since), "last_activity": stamp(last), "stale": claim.stale,
            })
    for issues in people.values():
        issues.sort(key=lambda i: i["stale"])  # stable: issue order within each kind

    def busiest(entry: tuple[str, list[dict[str, Any]]]) -> tuple[int, int, str]:
        key, issues = entry
        return -sum(not i["stale"] for i in issues), -len(issues), key

    return [{"login": names[key], "issues": issues}
            for key, issues in sorted(people.items(), key=busiest)]


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


def available_view(overview: Overview, label: str | None = None) -> list[dict[str, Any]]:
    """Open roadmap issues nobody holds an active claim on; good first issues first."""
    found = []
    for record in overview.records:
        if record.state != "open" or record.is_pull_request:
            continue
        if label and label.lower() not in (name.lower() for name in record.labels):
            continue
        claims = overview.claims[record.ref]
        if any(not c.stale for c in claims):
            continue
        stale: Claim | None = claims[0] if claims else None
        found.append({
            "repo": record.repo, "number": record.number, "title": record.title,
            "url": record.url, "item": overview.item_of(record), "labels": record.labels,
            "claim": None if stale is None else {
                "login": stale.login, "since": stamp(stale.since),
                "last_activity": stamp(stale.last_activity), "stale": stale.stale,
            },
        })
    # Good first issues first; in each group the unclaimed before the stale-claimed.
    return sorted(found, key=lambda e: (not _good_first(e["labels"]), e["claim"] is not None,
                                        e["repo"], e["number"]))


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


def _good_first(labels: list[str]) -> bool:
    return any(label.lower() in GOOD_FIRST for label in labels)


def status_view(overview: Overview) -> dict[str, Any]:
    """Progress per item, who, and what needs attention."""
    items = []
    for state in overview.items:
        items.append({
            "id": state.item.id, "number": state.item.number, "title": state.item.title,
            "level": state.item.level, "parent": state.item.parent,
            "declared": state.item.declared, "status": state.status,
            "issues": [f"{r.repo}#{r.number}" for r in state.issues],
            "people": state.people, "last_activity": stamp(state.last_activity),
            "progress": progress(overview.items, state), "drift": state.drift,
            "sub_issues": state.sub_issues.to_dict() if state.sub_issues else None,
            "issue_sub_issues": {r.ref: r.sub_issues.to_dict() for r in state.issues
                                 if r.sub_issues},
        })
    suggested = {f"{s.repo}#{s.number}": s for s in overview.suggestions}
    # Issues with a suggestion first (best first): one `roadmap link` away from linked.
    unlinked = sorted((r for r in overview.unlinked if not r.is_pull_request),
                      key=lambda r: -(suggested[r.ref].score or 0) if r.ref in suggested else 1)
    stale = sorted(((r, c) for r in overview.records for c in overview.claims[r.ref]
                    if c.stale), key=lambda rc: rc[1].last_activity)
    issues = [r for r in overview.records if not r.is_pull_request]
    return {
        "counts": {"roadmap_issues": len(issues),
                   "open_issues": sum(r.state == "open" for r in issues),
                   "labelled_pull_requests": len(overview.records) - len(issues)},
        "items": items,
        "attention": {
            "unlinked_issues": [r.ref for r in unlinked],
            "drift": [f"{s.item.id}: {d}" for s in overview.items for d in s.drift],
            "conflicts": overview.conflicts,
            "stalled": [s.item.id for s in overview.stalled()],
            "stale_claims": [f"{r.ref}: @{c.login}'s claim has had no activity since "
                             f"{stamp(c.last_activity)}" for r, c in stale],
            "items_without_issue": [s.item.id for s in overview.items if s.no_issue],
        },
        "suggestions": [{"issue": f"{s.repo}#{s.number}", "item": s.item_id, "score": s.score}
                        for s in sorted(overview.suggestions, key=lambda s: -(s.score or 0))],
        "issue_titles": {r.ref: r.title for r in unlinked},
    }
