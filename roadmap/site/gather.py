"""Gather the whole site, before any page is written: one typed `Site` (`roadmap.json`).

Nothing here depends on the clock: a page changes only when what it shows changes,
so an unchanged roadmap rebuilds to the same bytes. (Claims and items that go stale
with time are handled by `valid_until`, which says when the next build must look.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from roadmap.model import Claim, IssueRecord
from roadmap.site.data import (
    Change,
    ClaimView,
    Event,
    Owned,
    Person,
    PersonIssue,
    PersonRef,
    PullView,
    SiteIssue,
    SiteItem,
    StaleClaim,
    SubIssueRef,
    Task,
    Totals,
    Wanted,
)
from roadmap.site.data import Site as Site
from roadmap.site.markdown import safe_url
from roadmap.site.write import item_page, person_page
from roadmap.store import Store
from roadmap.store.site import load_history
from roadmap.track.claims import shown_dates
from roadmap.track.history import Happening, describe
from roadmap.track.overview import ItemCounts, item_counts, stamp, total_counts
from roadmap.track.status import ItemState, Overview
from roadmap.track.views import (
    GOOD_FIRST,
    FreeIssue,
    HeldIssue,
    available_view,
    is_good_first,
    who_view,
)

#: The version of `roadmap.json`; it changes only when a field changes meaning or goes.
SCHEMA = 1
#: How many of the newest changes the changes page, the feed and `roadmap.json` carry.
CHANGES_SHOWN = 200
FEED_ENTRIES = 50

#: What an item's name takes from its item: title, number and page.
ItemRef = tuple[str | None, str | None, str | None]
_NO_ITEM: ItemRef = (None, None, None)


def gather_site(store: Store, overview: Overview, title: str | None,
                base_url: str | None, label: str = "roadmap") -> Site:
    """Everything the site shows, in the documented `roadmap.json` shape; `label` (the
    roadmap's own, on every issue) is no chip."""
    happenings, changes = _happenings(store)
    item_of: dict[str, str] = {}
    how: dict[tuple[str, str], str] = {}
    for link in overview.links:
        ref = f"{link.repo}#{link.number}"
        item_of.setdefault(ref, link.item_id)
        how[(link.item_id, ref)] = link.how
    by_subject: dict[str, list[Happening]] = {}
    for happening in happenings:
        by_subject.setdefault(happening.subject, []).append(happening)
    chips = Chips(label)
    counts = _progress(overview)
    items = tuple(_item(overview, state, counts[state.item.id], by_subject, how, chips)
                  for state in overview.items)
    refs: dict[str, ItemRef] = {item.id: (item.title, item.number, item.page) for item in items}
    records = {record.ref: record for record in overview.records}
    newest = max((r.updated_at for r in overview.records), default=None)
    return Site(
        schema=SCHEMA, title=title or "Roadmap", base_url=base_url,
        last_sync=stamp(store.load_last_sync()), data_as_of=stamp(newest),
        totals=_totals(overview), items=items,
        people=_people(overview, refs),
        help_wanted=_help_wanted(overview, refs, chips),
        changes=tuple(_change(h, item_of, refs, records) for h in changes),
    )


def _happenings(store: Store) -> tuple[list[Happening], list[Happening]]:
    """Every recorded change an item's history may show, and the newest changes.

    The first record is where history starts, not a change (the README's promise): the
    changes leave it out; an item's history keeps those of its facts GitHub dates (a
    claim at its comment or assignment, a closing), so history and card agree. The
    store leaves out the rest of the first record (see `load_history`).
    """
    start, rows = load_history(store)
    happenings = [h for row in rows if (h := describe(row))]
    later = [h for h in happenings if h.seen != start]
    newest = sorted(later, key=lambda h: (h.at, h.seen or h.at), reverse=True)
    return happenings, newest[:CHANGES_SHOWN]


def valid_until(overview: Overview, expiry_days: int, stale_days: int) -> datetime | None:
    """The first moment a claim or an item goes stale with no new data: the site built
    now is right until then."""
    moments = [claim.last_activity + timedelta(days=expiry_days)
               for claims in overview.claims.values() for claim in claims
               if not claim.stale and claim.dated]
    moments += [state.last_activity + timedelta(days=stale_days) for state in overview.items
                if state.status == "in-progress" and state.last_activity is not None]
    return min(moments, default=None)


def _progress(overview: Overview) -> dict[str, ItemCounts]:
    """Each item's leaf items by status, by the one rule (`overview.item_counts`)."""
    return {state.item.id: item_counts(overview, state) for state in overview.items}


def _totals(overview: Overview) -> Totals:
    counts = total_counts(overview)
    # The one count of roadmap issues, as sync, `issues`, `status` and reports give it.
    issues = [r for r in overview.records if not r.is_pull_request]
    return Totals(
        done=counts.done, in_progress=counts.in_progress, stalled=counts.stalled,
        planned=counts.planned, dropped=counts.dropped, total=counts.total,
        issues=len(issues), open_issues=sum(r.state == "open" for r in issues),
        labelled_pull_requests=len(overview.records) - len(issues))


def _item(overview: Overview, state: ItemState, counts: ItemCounts,
          by_subject: dict[str, list[Happening]], how: dict[tuple[str, str], str],
          chips: Chips) -> SiteItem:
    item = state.item
    history = [h for h in by_subject.get(item.id, []) if h.kind.startswith("item")]
    history += [h for r in state.issues for h in by_subject.get(r.ref, [])]
    history.sort(key=lambda h: h.at, reverse=True)
    return SiteItem(
        id=item.id, number=item.number, title=item.title, level=item.level,
        parent=item.parent, children=tuple(state.children), page=item_page(item.id),
        anchor=item.anchor, declared=item.declared,
        declared_raw=item.status.raw if item.status else None, status=state.status,
        milestone=item.milestone, owners=_person_refs(item.owners), progress=counts,
        issues_closed=sum(1 for r in state.issues if r.state == "closed"),
        issues_total=len(state.issues), sub_issues=state.sub_issues,
        people=_person_refs(state.people), last_activity=stamp(state.last_activity),
        drift=tuple(state.drift), body=item.body,
        tasks=tuple(Task(t.text, t.done) for t in item.tasks),
        issues=tuple(_issue(r, overview.claims[r.ref], how.get((item.id, r.ref)), chips)
                     for r in state.issues),
        history=tuple(_event(h) for h in history),
    )


def _person_refs(logins: Iterable[str]) -> tuple[PersonRef, ...]:
    return tuple(PersonRef(login, person_page(login)) for login in logins)


class Chips:
    """The labels worth a chip: not the roadmap's own label (every issue has it), nor
    those the card already says (such as "good first issue" in its badge). Issues share
    a few sets of labels: each set is sorted out once."""

    def __init__(self, label: str) -> None:
        self.hidden = frozenset({label.lower()})
        self.hidden_wanted = self.hidden | {name.lower() for name in GOOD_FIRST}
        self.known: dict[tuple[bool, tuple[str, ...]], tuple[str, ...]] = {}

    def of(self, labels: list[str], wanted: bool = False) -> tuple[str, ...]:
        key = (wanted, tuple(labels))
        found = self.known.get(key)
        if found is None:
            hidden = self.hidden_wanted if wanted else self.hidden
            found = self.known[key] = tuple([name for name in labels
                                             if name.lower() not in hidden])
        return found


def _issue(record: IssueRecord, claims: list[Claim], how: str | None,
           chips: Chips) -> SiteIssue:
    # Positional, and no generator for the empty lists most issues have: 10,000 of these.
    return SiteIssue(
        record.repo, record.number, record.ref, record.title, safe_url(record.url),
        record.state, record.state_reason, record.is_pull_request, tuple(record.labels),
        chips.of(record.labels), tuple(record.assignees), stamp(record.updated_at), how,
        record.sub_issues,
        tuple([SubIssueRef(c.repo, c.number, c.title, c.state, c.state_reason,
                           safe_url(c.html_url)) for c in record.children])
        if record.children else (),
        tuple([_claim(c) for c in claims]) if claims else (),
        tuple([PullView(p.repo, p.number, p.title, safe_url(p.url), p.state, p.merged,
                        p.author) for p in record.pulls]) if record.pulls else (),
    )


def _claim(claim: Claim) -> ClaimView:
    since, last = shown_dates(claim)
    return ClaimView(claim.login, person_page(claim.login), claim.kind, stamp(since),
                     stamp(last), claim.stale, claim.evidence, safe_url(claim.evidence))


def _people(overview: Overview, items: dict[str, ItemRef]) -> tuple[Person, ...]:
    """Claimants (active work first, as `who` orders them), then owners named in the
    roadmap who claim nothing."""
    owned: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for state in overview.items:
        for login in state.item.owners:
            names.setdefault(login.lower(), login)
            owned.setdefault(login.lower(), []).append(state.item.id)
    people = []
    for person in who_view(overview):
        issues = tuple(_person_issue(entry, items) for entry in person.issues)
        people.append(_person(person.login, issues, owned.pop(person.login.lower(), []), items))
    for key in sorted(owned):
        people.append(_person(names[key], (), owned[key], items))
    return tuple(people)


def _person_issue(entry: HeldIssue, items: dict[str, ItemRef]) -> PersonIssue:
    record = entry.record
    return PersonIssue(record.repo, record.number, record.title, entry.item, entry.kind,
                       entry.since, entry.last_activity, entry.stale, record.ref,
                       safe_url(record.url), *items.get(entry.item or "", _NO_ITEM))


def _person(login: str, issues: tuple[PersonIssue, ...], owns: list[str],
            items: dict[str, ItemRef]) -> Person:
    return Person(
        login=login, page=person_page(login), issues=issues,
        active=sum(1 for i in issues if not i.stale), stale=sum(1 for i in issues if i.stale),
        since=min((i.since for i in issues if i.since), default=None),
        owns=tuple(Owned(item_id, *items[item_id]) for item_id in owns if item_id in items),
    )


def _help_wanted(overview: Overview, items: dict[str, ItemRef],
                 chips: Chips) -> tuple[Wanted, ...]:
    return tuple(_wanted(entry, items, chips) for entry in available_view(overview))


def _wanted(entry: FreeIssue, items: dict[str, ItemRef], chips: Chips) -> Wanted:
    record, claim = entry.record, entry.claim
    item_title, item_number, page = items.get(entry.item or "", _NO_ITEM)
    return Wanted(
        repo=record.repo, number=record.number, title=record.title,
        url=safe_url(record.url), item=entry.item, labels=tuple(record.labels),
        claim=None if claim is None else StaleClaim(
            claim.login, stamp(claim.since), stamp(claim.last_activity), claim.stale,
            person_page(claim.login)),
        ref=record.ref, good_first=is_good_first(record.labels),
        # "good first issue" is the card's badge: not a chip besides.
        chips=chips.of(record.labels, wanted=True),
        item_title=item_title, item_number=item_number, item_page=page)


def _event(happening: Happening) -> Event:
    return Event(stamp(happening.at), happening.kind, happening.subject, happening.detail)


def _change(happening: Happening, item_of: dict[str, str], items: dict[str, ItemRef],
            records: dict[str, IssueRecord]) -> Change:
    """A change, with the item it concerns (the item itself, or the item of its issue),
    and its issue's title and URL as they are now."""
    item_id = happening.subject if happening.kind.startswith("item") else item_of.get(
        happening.subject)
    record = records.get(happening.subject)
    return Change(stamp(happening.at), happening.kind, happening.subject, happening.detail,
                  item_id if item_id in items else None,
                  *items.get(item_id or "", _NO_ITEM),
                  record.title if record else None,
                  safe_url(record.url) if record else None)
