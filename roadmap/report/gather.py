"""`roadmap report`: a maintainer's status report, gathered from the store.

The whole report is gathered first into one typed value (`roadmap.report.data.Report`,
whose `as_dict` is the documented JSON, `schema` 1); `roadmap.report.render` renders it
(Markdown, HTML, text, JSON), and the text it holds is made safe to show there, by
`roadmap.markup`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from roadmap.config import DEFAULT_LABEL
from roadmap.errors import InputError
from roadmap.markup import item_name, when
from roadmap.model import IssueRecord
from roadmap.report.data import (
    Attention,
    Change,
    Conflict,
    Drift,
    HeldClaim,
    HelpWanted,
    ItemEntry,
    Person,
    PersonIssue,
    Report,
    Section,
    StaleClaim,
    StalledItem,
    Totals,
    UnlinkedIssue,
)
from roadmap.store import Store
from roadmap.track.history import changes_between
from roadmap.track.overview import item_counts, stamp, total_counts
from roadmap.track.status import ItemState, Overview
from roadmap.track.views import available_view, is_good_first, who_view

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
                 since: datetime | None, label: str = DEFAULT_LABEL) -> Report:
    """Everything a report says (its `as_dict` is the documented JSON, `schema` 1).

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
    return Report(
        schema=SCHEMA, title=title or "Roadmap", generated_at=stamp(now) or "",
        last_sync=stamp(last_sync), stale_data=last_sync is None or now - last_sync > FRESH,
        since=stamp(since) or "", history_start=stamp(start), warnings=tuple(warnings),
        totals=_totals(overview),
        sections=tuple(_section(overview, s) for s in overview.items if s.item.parent is None),
        people=_people(overview), attention=_attention(overview),
        help_wanted=_help_wanted(overview, label),
        changes=_changes(store, overview, since, now),
    )


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


def _section(overview: Overview, state: ItemState) -> Section:
    item = state.item
    # The report's counts (its JSON schema 1): stalled items within in progress.
    return Section(item.id, item.number, item.title, state.status, item.declared,
                   tuple(state.people), item_counts(overview, state).folded(),
                   state.sub_issues)


def _totals(overview: Overview) -> Totals:
    """Leaf items over every section, and how many roadmap issues are open or closed."""
    issues = [r for r in overview.records if not r.is_pull_request]
    return Totals(total_counts(overview).folded(), len(issues),
                  sum(r.state == "open" for r in issues))


def _item(state: ItemState) -> ItemEntry:
    return ItemEntry(state.item.id, state.item.number, state.item.title)


def _people(overview: Overview) -> tuple[Person, ...]:
    """`who_view`, with each issue's URL."""
    return tuple(
        Person(person.login, tuple(
            PersonIssue(i.record.repo, i.record.number, i.record.title, i.item, i.kind,
                        i.since, i.last_activity, i.stale, i.record.url)
            for i in person.issues))
        for person in who_view(overview))


def _attention(overview: Overview) -> Attention:
    """Stale claims, stalled items, drift, conflicts, issues linked to no item, items with
    no issue: each entry an issue (repo, number, title, url) or an item (id, number, title)."""
    by_ref = {r.ref: r for r in overview.records}
    suggested = {f"{s.repo}#{s.number}": s.item_id for s in overview.suggestions}
    leaves = [s for s in overview.items if not s.children]
    conflicts = ((by_ref[ref], detail) for ref, _, detail in
                 (c.partition(": ") for c in overview.conflicts) if ref in by_ref)
    return Attention(
        stale_claims=tuple(
            StaleClaim(r.repo, r.number, r.title, r.url, r.sub_issues, c.login,
                       stamp(c.since), stamp(c.last_activity))
            for r in overview.records for c in overview.claims[r.ref] if c.stale),
        stalled=tuple(StalledItem(s.item.id, s.item.number, s.item.title,
                                  stamp(s.last_activity)) for s in overview.stalled()),
        drift=tuple(Drift(s.item.id, s.item.number, s.item.title, d)
                    for s in overview.items for d in s.drift),
        conflicts=tuple(Conflict(r.repo, r.number, r.title, r.url, r.sub_issues, detail)
                        for r, detail in conflicts),
        unlinked_issues=tuple(
            UnlinkedIssue(r.repo, r.number, r.title, r.url, r.sub_issues,
                          suggested.get(r.ref))
            for r in overview.unlinked if not r.is_pull_request),
        items_without_issue=tuple(_item(s) for s in leaves if s.no_issue),
    )


def _help_wanted(overview: Overview, label: str) -> tuple[HelpWanted, ...]:
    """`available_view`, each marked `good_first` or not (those come first); the
    roadmap's own label is no label here."""
    own = label.lower()
    found = []
    for free in available_view(overview):
        record, stale = free.record, free.claim
        labels = [x for x in record.labels if x.lower() != own]
        claim = None if stale is None else HeldClaim(
            stale.login, stamp(stale.since), stamp(stale.last_activity), stale.stale)
        found.append(HelpWanted(record.repo, record.number, record.title, record.url,
                                free.item, tuple(labels), claim, is_good_first(labels)))
    return tuple(found)


def _changes(store: Store, overview: Overview, since: datetime,
             now: datetime) -> tuple[Change, ...]:
    """What changed after `since`: each with the issue's URL and title, or the item's
    title, as they are now, and the login for claims."""
    records: dict[str, IssueRecord] = {r.ref: r for r in overview.records}
    items = {s.item.id: _item(s) for s in overview.items}
    changes = []
    for change in changes_between(store, since, now):
        record, item = records.get(change.subject), items.get(change.subject)
        changes.append(Change(
            stamp(change.at) or "", change.kind,
            "item" if change.kind.startswith("item ") else "issue", change.subject,
            change.detail, record.url if record else None,
            record.title if record else item_name(item) if item else None,
            change.detail[1:] if change.kind in _CLAIM_KINDS else None))
    return tuple(changes)
