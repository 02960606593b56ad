"""`roadmap report`: a maintainer's status report, gathered from the store.

The whole report is gathered first into one plain dict, whose shape is the documented JSON
(`schema` 1); `roadmap.report.render` renders it (Markdown, HTML, text, JSON), and the
text it holds is made safe to show there, by `roadmap.markup`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from roadmap.config import DEFAULT_LABEL
from roadmap.errors import InputError
from roadmap.markup import item_name, when
from roadmap.model import IssueRecord
from roadmap.store import Store
from roadmap.track.history import changes_between
from roadmap.track.overview import item_counts, stamp
from roadmap.track.status import ItemState, Overview
from roadmap.track.views import available_view, is_good_first, who_view

if TYPE_CHECKING:
    pass

SCHEMA = 1
#: Data older than this gets a warning at the top of the report.
FRESH = timedelta(days=1)
#: How far back changes go when there is no `--since` and no previous report.
DEFAULT_SINCE = timedelta(days=7)
_DURATION = re.compile(r"^(\d{1,6})\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_CLAIM_KINDS = ("claimed", "released", "claim went stale", "claim active again")


def parse_since(text: str, now: datetime) -> datetime:
    """`7d`, `12h`, `2w`, `2026-11-01` or `2026-11-28T19:00:00Z` as a UTC moment."""
    text = text.strip()
    match = _DURATION.match(text)
    try:
        if match:
            moment = now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError):
        raise InputError(f"--since: not a duration (7d, 12h), a date (2026-11-01) or an "
                         f"ISO 8601 time (2026-11-28T19:00:00Z): {text!r}") from None
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    if moment > now:
        raise InputError(f"--since: {text!r} is in the future")
    return moment


# -- gathering ----------------------------------------------------------------------------------


def build_report(store: Store, overview: Overview, title: str | None, now: datetime,
                 since: datetime | None, label: str = DEFAULT_LABEL) -> dict[str, Any]:
    """Everything a report says, as the documented JSON shape (`schema` 1).

    `since` None means since the previous report, else `DEFAULT_SINCE` ago; `label`, the
    one every roadmap issue carries, is left out of the help-wanted labels. Changes go
    back to where history starts at most: the first sync's facts are not changes.
    """
    last_sync = store.load_last_sync()
    since = since or store.load_last_report() or now - DEFAULT_SINCE
    warnings = _warnings(overview, last_sync, now)
    start = store.load_history_start()
    if start is not None and since < start:
        since = start
        warnings.append(f"History starts at {when(stamp(start))}, its first record: what "
                        "changed before then is not known.")
    sections = [_section(overview, s) for s in overview.items if s.item.parent is None]
    return {
        "schema": SCHEMA,
        "title": title or "Roadmap",
        "generated_at": stamp(now),
        "last_sync": stamp(last_sync),
        "stale_data": last_sync is None or now - last_sync > FRESH,
        "since": stamp(since),
        "history_start": stamp(start),
        "warnings": warnings,
        "totals": _totals(overview, sections),
        "sections": sections,
        "people": _people(overview),
        "attention": _attention(overview),
        "help_wanted": _help_wanted(overview, label),
        "changes": _changes(store, overview, since, now),
    }


def _warnings(overview: Overview, last_sync: datetime | None, now: datetime) -> list[str]:
    """What the reader must know before trusting the rest, in plain words."""
    found = []
    if last_sync is None:
        found.append("The store has never been synced: nothing here comes from GitHub yet. "
                     "Run `roadmap sync`.")
    elif now - last_sync > FRESH:
        found.append(f"The data is {_age(now - last_sync)} old (last sync "
                     f"{stamp(last_sync)}). Run `roadmap sync`.")
    if not overview.items and not overview.records:
        found.append("The store is empty: no roadmap items and no roadmap issues.")
    elif not overview.items:
        found.append("No roadmap items: the store holds no parsed ROADMAP.md.")
    elif not overview.records:
        found.append("No roadmap issues in the store.")
    return found


def _age(delta: timedelta) -> str:
    days = delta.days
    return f"{days} days" if days > 1 else f"{int(delta.total_seconds() // 3600)} hours"


def _counts(overview: Overview, state: ItemState) -> dict[str, int]:
    """The report's counts (schema 1): stalled items within in progress."""
    counts = item_counts(overview, state).folded()
    return {"done": counts.done, "in_progress": counts.in_progress, "planned": counts.planned,
            "dropped": counts.dropped, "total": counts.total}


def _section(overview: Overview, state: ItemState) -> dict[str, Any]:
    return {"id": state.item.id, "number": state.item.number, "title": state.item.title,
            "status": state.status, "declared": state.item.declared, "people": state.people,
            **_counts(overview, state),
            "sub_issues": state.sub_issues.to_dict() if state.sub_issues else None}


def _totals(overview: Overview, sections: list[dict[str, Any]]) -> dict[str, int]:
    """Leaf items over every section, and how many roadmap issues are open or closed."""
    keys = ("done", "in_progress", "planned", "dropped", "total")
    totals = {key: sum(s[key] for s in sections) for key in keys}
    issues = [r for r in overview.records if not r.is_pull_request]
    totals["issues"] = len(issues)
    totals["open_issues"] = sum(r.state == "open" for r in issues)
    return totals


def _issue(record: IssueRecord) -> dict[str, Any]:
    return {"repo": record.repo, "number": record.number, "title": record.title,
            "url": record.url,
            "sub_issues": record.sub_issues.to_dict() if record.sub_issues else None}


def _item(state: ItemState) -> dict[str, Any]:
    return {"id": state.item.id, "number": state.item.number, "title": state.item.title}


def _people(overview: Overview) -> list[dict[str, Any]]:
    """`who_view`, with each issue's URL."""
    return [{"login": person.login,
             "issues": [{**issue.to_dict(), "url": issue.record.url} for issue in person.issues]}
            for person in who_view(overview)]


def _attention(overview: Overview) -> dict[str, list[dict[str, Any]]]:
    """Stale claims, stalled items, drift, conflicts, issues linked to no item, items with
    no issue: each entry an issue (repo, number, title, url) or an item (id, number, title)."""
    by_ref = {r.ref: r for r in overview.records}
    suggested = {f"{s.repo}#{s.number}": s.item_id for s in overview.suggestions}
    leaves = [s for s in overview.items if not s.children]
    return {
        "stale_claims": [
            {**_issue(r), "login": c.login, "since": stamp(c.since),
             "last_activity": stamp(c.last_activity)}
            for r in overview.records for c in overview.claims[r.ref] if c.stale],
        "stalled": [{**_item(s), "last_activity": stamp(s.last_activity)}
                    for s in overview.stalled()],
        "drift": [{**_item(s), "detail": d} for s in overview.items for d in s.drift],
        "conflicts": [{**_issue(by_ref[ref]), "detail": detail} for ref, _, detail in
                      (c.partition(": ") for c in overview.conflicts) if ref in by_ref],
        "unlinked_issues": [{**_issue(r), "suggested_item": suggested.get(r.ref)}
                            for r in overview.unlinked if not r.is_pull_request],
        "items_without_issue": [_item(s) for s in leaves if s.no_issue],
    }


def _help_wanted(overview: Overview, label: str) -> list[dict[str, Any]]:
    """`available_view`, each entry marked `good_first` or not (those come first)."""
    wanted = []
    for free in available_view(overview):
        entry = free.to_dict()
        entry["labels"] = [x for x in entry["labels"] if x.lower() != label.lower()]
        entry["good_first"] = is_good_first(entry["labels"])
        wanted.append(entry)
    return wanted


def _changes(store: Store, overview: Overview, since: datetime,
             now: datetime) -> list[dict[str, Any]]:
    """What changed after `since`: each with the issue's URL and title, or the item's
    title, as they are now, and the login for claims."""
    records = {r.ref: r for r in overview.records}
    items = {s.item.id: _item(s) for s in overview.items}
    changes = []
    for change in changes_between(store, since, now):
        record, item = records.get(change.subject), items.get(change.subject)
        about = "item" if change.kind.startswith("item ") else "issue"
        changes.append({
            "at": stamp(change.at), "kind": change.kind, "about": about,
            "subject": change.subject, "detail": change.detail,
            "url": record.url if record else None,
            "title": record.title if record else item_name(item) if item else None,
            "login": change.detail[1:] if change.kind in _CLAIM_KINDS else None,
        })
    return changes
