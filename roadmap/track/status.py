"""The status of each roadmap item, derived from its issues, beside what the document says.

`planned` (nothing started), `in-progress` (claimed, assigned, or a linked pull
request open), `done` (declared, or every linked issue closed as completed),
`stalled` (in progress, no activity for `stale_days`), `dropped` (closed as not
planned). Parents roll up their children. Drift is where the two disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from roadmap.model import Claim, IssueRecord, Item, ItemLink, SubIssues
from roadmap.parse.comments import DEFAULT_PATTERNS, Patterns
from roadmap.track.claims import conflicts, derive_all_claims
from roadmap.track.links import ManualLink as ManualLink
from roadmap.track.links import link_items, suggest_links


@dataclass(slots=True)
class ItemState:
    """An item's derived status, its issues and people, and where it drifts."""

    item: Item
    status: str
    issues: list[IssueRecord] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    last_activity: datetime | None = None
    drift: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    #: The sub-issues of its issues (and of its children's), summed: GitHub's breakdown of
    #: the work, None when none of them has sub-issues.
    sub_issues: SubIssues | None = None
    #: A leaf item no issue is linked to (not drift: nothing disagrees yet).
    no_issue: bool = False


def summed(summaries: list[SubIssues | None]) -> SubIssues | None:
    """Sub-issue summaries added up (None when there are none)."""
    known = [s for s in summaries if s is not None and s.total]
    if not known:
        return None
    return SubIssues.of(sum(s.total for s in known), sum(s.completed for s in known))


@dataclass(slots=True)
class Overview:
    """Items, issues, claims and links, gathered once for `status`, `who` and `available`."""

    items: list[ItemState]
    records: list[IssueRecord]
    links: list[ItemLink]
    suggestions: list[ItemLink]
    claims: dict[str, list[Claim]]
    unlinked: list[IssueRecord]
    conflicts: list[str]
    #: The first item each issue is linked to, built on first use (`item_of`).
    _first_item: dict[tuple[str, int], str] | None = field(default=None, repr=False,
                                                            compare=False)

    def stalled(self) -> list[ItemState]:
        """The items to nudge: stalled leaves (a parent stalls only through them)."""
        return [s for s in self.items if s.status == "stalled" and not s.children]

    def item_of(self, record: IssueRecord) -> str | None:
        """The id of the (first) item an issue is linked to."""
        # A dict, not a scan of the links: `who` and `available` ask for every issue.
        if self._first_item is None:
            self._first_item = {}
            for link in self.links:
                self._first_item.setdefault((link.repo, link.number), link.item_id)
        return self._first_item.get((record.repo, record.number))


def build_overview(items: list[Item], records: list[IssueRecord],
                   manual: list[ManualLink], now: datetime, expiry_days: int,
                   stale_days: int, patterns: Patterns = DEFAULT_PATTERNS) -> Overview:
    """Gather everything once: links, claims per issue, each item's status, drift."""
    links = link_items(items, records, manual)
    suggestions = suggest_links(items, records, links)
    claims = derive_all_claims(records, now, expiry_days, patterns)
    by_item: dict[str, list[IssueRecord]] = defaultdict(list)
    by_ref = {r.ref: r for r in records}
    for link in links:
        by_item[link.item_id].append(by_ref[f"{link.repo}#{link.number}"])
    states = [_state(item, by_item[item.id], claims, now, stale_days) for item in items]
    _roll_up(states)
    linked = {f"{link.repo}#{link.number}" for link in links}
    unlinked = [r for r in records if r.ref not in linked]
    found = [c for r in records for c in conflicts(r, claims[r.ref])]
    return Overview(states, records, links, suggestions, claims, unlinked, found)


def _state(item: Item, records: list[IssueRecord], claims: dict[str, list[Claim]],
           now: datetime, stale_days: int) -> ItemState:
    issues = [r for r in records if not r.is_pull_request] or records
    # A stale claim still means the work started: the item is stalled, not planned.
    held = [c for r in issues for c in claims[r.ref]]
    people = sorted({c.login for c in held if not c.stale})
    times = [r.updated_at for r in issues] + [c.last_activity for c in held]
    last = max(times, default=None)
    state = ItemState(item, _derive(item, issues, held, last, now, stale_days), issues,
                      people, last, sub_issues=summed([r.sub_issues for r in issues]))
    state.drift = _drift(item, issues)
    return state


def _derive(item: Item, issues: list[IssueRecord], held: list[Claim],
            last: datetime | None, now: datetime, stale_days: int) -> str:
    closed = [r for r in issues if r.state == "closed"]
    completed = any(r.state_reason != "not_planned" for r in closed)
    if item.declared == "done" or (issues and len(closed) == len(issues) and completed):
        return "done"
    if item.declared == "dropped" or (issues and len(closed) == len(issues)):
        return "dropped"
    open_pulls = any(p.state == "open" for r in issues for p in r.pulls)
    broken_down = any(r.sub_issues and r.sub_issues.completed for r in issues)
    if held or open_pulls or completed or broken_down:  # part of it done: work started
        quiet = last is None or now - last > timedelta(days=stale_days)
        return "stalled" if quiet else "in-progress"
    return "planned"


def _drift(item: Item, issues: list[IssueRecord]) -> list[str]:
    open_issues = [r for r in issues if r.state == "open"]
    drift = []
    if item.declared == "done" and open_issues:
        refs = ", ".join(f"#{r.number}" for r in open_issues[:5])
        drift.append(f"declared done, but {refs} {'is' if len(open_issues) == 1 else 'are'} "
                     "still open")
    if issues and not open_issues and item.declared not in ("done", "dropped"):
        drift.append("every linked issue is closed, but the roadmap does not say done")
    return drift


def _roll_up(states: list[ItemState]) -> None:
    """Parents take their children's progress; a leaf with no issue is marked."""
    by_id = {s.item.id: s for s in states}
    for state in states:
        if state.item.parent in by_id:
            by_id[state.item.parent].children.append(state.item.id)
    for state in reversed(states):  # children come after their parents
        kids = [by_id[c] for c in state.children]
        if not kids:
            if not state.issues and state.item.declared not in ("done", "dropped"):
                state.no_issue = True
            continue
        statuses = {k.status for k in kids} | ({state.status} if state.issues else set())
        state.status = _combined(statuses, state.item.declared)
        state.people = sorted({p for k in [state, *kids] for p in k.people})
        state.sub_issues = summed([state.sub_issues, *(k.sub_issues for k in kids)])


def _combined(statuses: set[str], declared: str | None) -> str:
    if declared in ("done", "dropped"):
        return declared
    if statuses <= {"done", "dropped"}:
        return "done" if "done" in statuses else "dropped"
    for status in ("in-progress", "stalled"):
        if status in statuses:
            return status
    return "in-progress" if "done" in statuses else "planned"


def progress(states: list[ItemState], of: ItemState) -> dict[str, int]:
    """Counts of leaf items under `of` (itself when a leaf) by status."""
    by_id = {s.item.id: s for s in states}
    counts: dict[str, int] = defaultdict(int)
    stack = [of]
    while stack:
        state = stack.pop()
        if state.children:
            stack.extend(by_id[c] for c in state.children)
        else:
            counts[state.status] += 1
    return dict(counts)
