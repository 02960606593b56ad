"""History: what changed between two dates, from the facts recorded at each sync.

Only changes are stored: at each sync the current facts (each item's status, each
issue's presence, state and title, each claim) are compared with the newest recorded
value of each, and the differences written. A year of daily syncs of a large roadmap
stays small because most facts do not change on most days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from roadmap.model import Claim, IssueRecord
from roadmap.store import HistoryRow, Store
from roadmap.track.status import Overview

#: When a fact's change happened on GitHub: (key, new value, previous value) -> a moment,
#: or None where GitHub does not say.
Moments = Callable[[str, str | None, str | None], datetime | None]


def current_facts(overview: Overview) -> dict[str, str]:
    """Every tracked fact now, by key."""
    facts: dict[str, str] = {}
    for state in overview.items:
        facts[f"item:{state.item.id}"] = state.status
    for record in overview.records:
        closed = f"closed:{record.state_reason or 'completed'}"
        facts[f"issue:{record.ref}"] = "open" if record.state == "open" else closed
        facts[f"title:{record.ref}"] = record.title
    for ref, claims in overview.claims.items():
        for claim in claims:
            facts[f"claim:{ref}:{claim.login}"] = "stale" if claim.stale else "active"
    return facts


def record_history(store: Store, overview: Overview, at: datetime) -> int:
    """Write the facts that changed since the last record; how many changed."""
    return record_facts(store, current_facts(overview), at, github_moments(overview))


def record_facts(store: Store, facts: dict[str, str], at: datetime,
                 moments: Moments | None = None) -> int:
    """Write those of `facts` that changed since the last record, and those no longer
    among them as gone, each with when it happened on GitHub where `moments` knows;
    how many changed."""
    latest = store.load_latest_facts()
    changes: list[tuple[str, str | None, str | None]] = [
        (key, value, latest.get(key)) for key, value in facts.items()
        if latest.get(key) != value]
    changes += [(key, None, value) for key, value in latest.items() if key not in facts]
    store.save_changes(at, [(key, value, previous, _happened(moments, key, value, previous, at))
                            for key, value, previous in changes])
    return len(changes)


def _happened(moments: Moments | None, key: str, value: str | None, previous: str | None,
              at: datetime) -> datetime | None:
    moment = moments(key, value, previous) if moments else None
    return None if moment is None else min(moment, at)  # never after it was seen


def github_moments(overview: Overview) -> Moments:
    """When changes happened on GitHub, where it says: a claim made at its comment,
    assignment or pull request (an undated assignment: unknown), active again at the
    claimant's own activity, an issue closed at its closing."""
    claims: dict[str, Claim] = {f"claim:{ref}:{c.login}": c
                                for ref, held in overview.claims.items() for c in held}
    records: dict[str, IssueRecord] = {f"issue:{r.ref}": r for r in overview.records}

    def moment(key: str, value: str | None, previous: str | None) -> datetime | None:
        claim, record = claims.get(key), records.get(key)
        if claim is not None and value == "active" and claim.dated:
            return claim.since if previous is None else claim.last_activity
        if record is not None and (value or "").startswith("closed"):
            return record.closed_at
        return None

    return moment


@dataclass(slots=True, frozen=True)
class Happening:
    """A change as a report tells it: `at` when it happened on GitHub where known, else
    when a sync saw it (`seen`)."""

    at: datetime
    kind: str
    subject: str
    detail: str
    seen: datetime | None = None


_ITEM = {"in-progress": "started", "done": "finished", "stalled": "stalled",
         "dropped": "dropped", "planned": "back to planned"}


def describe(row: HistoryRow) -> Happening | None:
    """What a recorded change means: "issue added", "item finished", "claim released"...,
    dated when it happened on GitHub where that is known."""
    told = _describe(row)
    if told is None:
        return None
    return Happening(row.happened_at or row.at, told.kind, told.subject, told.detail, row.at)


def _describe(row: HistoryRow) -> Happening | None:
    kind, _, subject = row.key.partition(":")
    value, previous = row.value, row.previous
    if kind == "item":
        if previous is None:
            return Happening(row.at, "item added", subject, value or "")
        if value is None:
            return Happening(row.at, "item removed", subject, previous)
        return Happening(row.at, f"item {_ITEM.get(value, value)}", subject,
                         f"{previous} → {value}")
    if kind == "issue":
        if previous is None:
            return Happening(row.at, "issue added", subject, value or "")
        if value is None:
            return Happening(row.at, "issue dropped", subject, "left the roadmap")
        if value.startswith("closed") and previous == "open":
            return Happening(row.at, "issue closed", subject, value.partition(":")[2])
        return Happening(row.at, "issue reopened", subject, "")
    if kind == "title":
        if previous is None or value is None:
            return None  # told by "issue added" / "issue dropped"
        return Happening(row.at, "title changed", subject, f"{previous} → {value}")
    if kind == "claim":
        ref, _, login = subject.rpartition(":")
        if previous is None:
            return Happening(row.at, "claimed", ref, f"@{login}")
        if value is None:
            return Happening(row.at, "released", ref, f"@{login}")
        if value == "stale":
            return Happening(row.at, "claim went stale", ref, f"@{login}")
        return Happening(row.at, "claim active again", ref, f"@{login}")
    return None


def changes_between(store: Store, since: datetime, until: datetime) -> list[Happening]:
    """What changed after `since`, up to `until` (as syncs saw it), oldest first by when
    it happened on GitHub.

    The first record is where history starts, not a change: every fact is new to the
    store then (a 10,000-issue roadmap's first sync would be 10,000 "issue added").
    """
    start = store.load_history_start()
    if start is None:
        return []
    told = [h for row in store.load_changes(max(since, start), until) if (h := describe(row))]
    return sorted(told, key=lambda h: h.at)  # as they happened (a sync sees them later)
