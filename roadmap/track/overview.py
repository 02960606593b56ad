"""The one overview every reader starts from: the store's items, issues, links and claims
joined (`gather`), and the counts of its items. The views of it (`who`, `available`,
`status`) are in views.py; nothing here talks to GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roadmap.collector import collector_paused
from roadmap.config import Config
from roadmap.model import IssueRecord, Item
from roadmap.parse.comments import DEFAULT_CLAIM_PATTERNS, DEFAULT_RELEASE_PATTERNS, Patterns
from roadmap.store import Store
from roadmap.store.answers import load_refused_comments
from roadmap.track.status import ItemState, ManualLink, Overview, build_overview, progress


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
