"""What a report says, as typed values: `roadmap.report.gather` makes them, the renderers
and templates read their attributes, and `as_dict` gives the documented JSON (schema 1).

Each class's fields are in the order of its JSON object, and `as_dict` writes them in
that order, so the JSON report keeps its bytes. Times are UTC strings
(`2026-11-28T19:00:00Z`) and text is as GitHub gave it: escaping is the renderer's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roadmap.model import SubIssues
from roadmap.track.overview import ItemCounts


def _subs(summary: SubIssues | None) -> dict[str, int] | None:
    return summary.to_dict() if summary else None


@dataclass(frozen=True, slots=True)
class Section:
    """A top-level item and the leaf items under it (`counts`, the report's folded view:
    stalled within in progress)."""

    id: str
    number: str | None
    title: str
    status: str
    declared: str | None
    people: tuple[str, ...]
    counts: ItemCounts
    sub_issues: SubIssues | None

    # The counts by name, as the JSON and the templates read them.
    @property
    def done(self) -> int:
        return self.counts.done

    @property
    def in_progress(self) -> int:
        return self.counts.in_progress

    @property
    def planned(self) -> int:
        return self.counts.planned

    @property
    def dropped(self) -> int:
        return self.counts.dropped

    @property
    def total(self) -> int:
        return self.counts.total

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        return {"id": self.id, "number": self.number, "title": self.title,
                "status": self.status, "declared": self.declared, "people": list(self.people),
                "done": c.done, "in_progress": c.in_progress, "planned": c.planned,
                "dropped": c.dropped, "total": c.total, "sub_issues": _subs(self.sub_issues)}


@dataclass(frozen=True, slots=True)
class Totals:
    """Leaf items over every section (folded, as in `Section`), and the roadmap issues."""

    counts: ItemCounts
    issues: int
    open_issues: int

    @property
    def done(self) -> int:
        return self.counts.done

    @property
    def in_progress(self) -> int:
        return self.counts.in_progress

    @property
    def planned(self) -> int:
        return self.counts.planned

    @property
    def dropped(self) -> int:
        return self.counts.dropped

    @property
    def total(self) -> int:
        return self.counts.total

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        return {"done": c.done, "in_progress": c.in_progress, "planned": c.planned,
                "dropped": c.dropped, "total": c.total, "issues": self.issues,
                "open_issues": self.open_issues}


@dataclass(frozen=True, slots=True)
class PersonIssue:
    """An issue someone works on: since when, last activity, stale or not."""

    repo: str
    number: int
    title: str
    item: str | None
    kind: str
    since: str | None
    last_activity: str | None
    stale: bool
    url: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"repo": self.repo, "number": self.number, "title": self.title,
                "item": self.item, "kind": self.kind, "since": self.since,
                "last_activity": self.last_activity, "stale": self.stale, "url": self.url}


@dataclass(frozen=True, slots=True)
class Person:
    """A person and the issues they work on, active claims first."""

    login: str
    issues: tuple[PersonIssue, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "issues": [i.as_dict() for i in self.issues]}


@dataclass(frozen=True, slots=True)
class ItemEntry:
    """An item named in a list: items with no issue."""

    id: str
    number: str | None
    title: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "title": self.title}


@dataclass(frozen=True, slots=True)
class StalledItem:
    """A stalled leaf item and its last activity (None: none since it started)."""

    id: str
    number: str | None
    title: str
    last_activity: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "title": self.title,
                "last_activity": self.last_activity}


@dataclass(frozen=True, slots=True)
class Drift:
    """Where an item and its issues disagree."""

    id: str
    number: str | None
    title: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "title": self.title,
                "detail": self.detail}


@dataclass(frozen=True, slots=True)
class IssueEntry:
    """An issue named in the attention lists; the subclasses add what is wrong."""

    repo: str
    number: int
    title: str
    url: str | None
    sub_issues: SubIssues | None

    def _issue_dict(self) -> dict[str, Any]:
        return {"repo": self.repo, "number": self.number, "title": self.title,
                "url": self.url, "sub_issues": _subs(self.sub_issues)}


@dataclass(frozen=True, slots=True)
class StaleClaim(IssueEntry):
    """A claim with no activity by its claimant for `claim_expiry_days`."""

    login: str
    since: str | None
    last_activity: str | None

    def as_dict(self) -> dict[str, Any]:
        return {**self._issue_dict(), "login": self.login, "since": self.since,
                "last_activity": self.last_activity}


@dataclass(frozen=True, slots=True)
class Conflict(IssueEntry):
    """Two active claimants, or an open pull request by someone holding no claim."""

    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {**self._issue_dict(), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class UnlinkedIssue(IssueEntry):
    """A roadmap issue linked to no item, and the item it most resembles, if any."""

    suggested_item: str | None

    def as_dict(self) -> dict[str, Any]:
        return {**self._issue_dict(), "suggested_item": self.suggested_item}


AttentionEntry = StaleClaim | StalledItem | Drift | Conflict | UnlinkedIssue | ItemEntry


@dataclass(frozen=True, slots=True)
class Attention:
    """What needs a maintainer, each kind a list."""

    stale_claims: tuple[StaleClaim, ...]
    stalled: tuple[StalledItem, ...]
    drift: tuple[Drift, ...]
    conflicts: tuple[Conflict, ...]
    unlinked_issues: tuple[UnlinkedIssue, ...]
    items_without_issue: tuple[ItemEntry, ...]

    def items(self) -> tuple[tuple[str, tuple[AttentionEntry, ...]], ...]:
        """(kind, entries) in the JSON's order, as a template reads a mapping's items."""
        return (("stale_claims", self.stale_claims), ("stalled", self.stalled),
                ("drift", self.drift), ("conflicts", self.conflicts),
                ("unlinked_issues", self.unlinked_issues),
                ("items_without_issue", self.items_without_issue))

    def values(self) -> tuple[tuple[AttentionEntry, ...], ...]:
        """The entries of each kind, in the JSON's order."""
        return tuple(entries for _, entries in self.items())

    def as_dict(self) -> dict[str, Any]:
        return {key: [e.as_dict() for e in entries] for key, entries in self.items()}


@dataclass(frozen=True, slots=True)
class HeldClaim:
    """The stale claim an issue free to take still carries."""

    login: str
    since: str | None
    last_activity: str | None
    stale: bool

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "since": self.since,
                "last_activity": self.last_activity, "stale": self.stale}


@dataclass(frozen=True, slots=True)
class HelpWanted:
    """An open roadmap issue nobody holds an active claim on."""

    repo: str
    number: int
    title: str
    url: str | None
    item: str | None
    labels: tuple[str, ...]
    claim: HeldClaim | None
    good_first: bool

    def as_dict(self) -> dict[str, Any]:
        return {"repo": self.repo, "number": self.number, "title": self.title,
                "url": self.url, "item": self.item, "labels": list(self.labels),
                "claim": self.claim.as_dict() if self.claim else None,
                "good_first": self.good_first}


@dataclass(frozen=True, slots=True)
class Change:
    """A recorded change: of an issue (`about` "issue") or of an item."""

    at: str
    kind: str
    about: str
    subject: str
    detail: str
    url: str | None
    title: str | None
    login: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind, "about": self.about,
                "subject": self.subject, "detail": self.detail, "url": self.url,
                "title": self.title, "login": self.login}


@dataclass(frozen=True, slots=True)
class Report:
    """A whole report, as `roadmap report --format json` documents it (`schema` 1)."""

    schema: int
    title: str
    generated_at: str
    last_sync: str | None
    stale_data: bool
    since: str
    history_start: str | None
    warnings: tuple[str, ...]
    totals: Totals
    sections: tuple[Section, ...]
    people: tuple[Person, ...]
    attention: Attention
    help_wanted: tuple[HelpWanted, ...]
    changes: tuple[Change, ...]

    def progress_rows(self) -> list[tuple[str, Section | Totals]]:
        """Each section by name (`1 Runtime`), then the totals as `All`: the rows of
        every progress table."""
        rows: list[tuple[str, Section | Totals]] = [
            (f"{s.number} {s.title}" if s.number else s.title, s) for s in self.sections]
        return [*rows, ("All", self.totals)]

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape, key for key."""
        return {
            "schema": self.schema, "title": self.title, "generated_at": self.generated_at,
            "last_sync": self.last_sync, "stale_data": self.stale_data, "since": self.since,
            "history_start": self.history_start, "warnings": list(self.warnings),
            "totals": self.totals.as_dict(),
            "sections": [s.as_dict() for s in self.sections],
            "people": [p.as_dict() for p in self.people],
            "attention": self.attention.as_dict(),
            "help_wanted": [h.as_dict() for h in self.help_wanted],
            "changes": [c.as_dict() for c in self.changes],
        }


# -- back from the JSON ---------------------------------------------------------------------------


def report_from_dict(data: dict[str, Any]) -> Report:
    """A report from its JSON (`as_dict`'s shape): to render a report written before."""

    def counts(d: dict[str, Any]) -> ItemCounts:
        return ItemCounts(d["done"], d["in_progress"], 0, d["planned"], d["dropped"])

    def subs(d: dict[str, int] | None) -> SubIssues | None:
        return SubIssues(d["total"], d["completed"], d["percent_completed"]) if d else None

    def issue(d: dict[str, Any]) -> tuple[str, int, str, str | None, SubIssues | None]:
        return d["repo"], d["number"], d["title"], d["url"], subs(d["sub_issues"])

    a = data["attention"]
    return Report(
        data["schema"], data["title"], data["generated_at"], data["last_sync"],
        data["stale_data"], data["since"], data["history_start"], tuple(data["warnings"]),
        Totals(counts(data["totals"]), data["totals"]["issues"],
               data["totals"]["open_issues"]),
        tuple(Section(s["id"], s["number"], s["title"], s["status"], s["declared"],
                      tuple(s["people"]), counts(s), subs(s["sub_issues"]))
              for s in data["sections"]),
        tuple(Person(p["login"], tuple(PersonIssue(**i) for i in p["issues"]))
              for p in data["people"]),
        Attention(
            tuple(StaleClaim(*issue(e), e["login"], e["since"], e["last_activity"])
                  for e in a["stale_claims"]),
            tuple(StalledItem(**e) for e in a["stalled"]),
            tuple(Drift(**e) for e in a["drift"]),
            tuple(Conflict(*issue(e), e["detail"]) for e in a["conflicts"]),
            tuple(UnlinkedIssue(*issue(e), e["suggested_item"]) for e in a["unlinked_issues"]),
            tuple(ItemEntry(**e) for e in a["items_without_issue"])),
        tuple(HelpWanted(h["repo"], h["number"], h["title"], h["url"], h["item"],
                         tuple(h["labels"]), HeldClaim(**h["claim"]) if h["claim"] else None,
                         h["good_first"]) for h in data["help_wanted"]),
        tuple(Change(**c) for c in data["changes"]),
    )
