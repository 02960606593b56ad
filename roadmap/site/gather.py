"""Gather the whole site, before any page is written: one plain dict, `roadmap.json`.

Nothing here depends on the clock: a page changes only when what it shows changes,
so an unchanged roadmap rebuilds to the same bytes. (Claims and items that go stale
with time are handled by `valid_until`, which says when the next build must look.)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from roadmap.model import Claim, IssueRecord
from roadmap.site.markdown import safe_url
from roadmap.site.write import item_page, person_page
from roadmap.store import Store
from roadmap.store.site import ItemText, load_history, load_item_texts
from roadmap.track.claims import shown_dates
from roadmap.track.history import Happening, describe
from roadmap.track.overview import (
    GOOD_FIRST,
    available_view,
    item_counts,
    stamp,
    total_counts,
    who_view,
)
from roadmap.track.status import ItemState, Overview

#: The version of `roadmap.json`; it changes only when a field changes meaning or goes.
SCHEMA = 1
#: How many of the newest changes the changes page, the feed and `roadmap.json` carry.
CHANGES_SHOWN = 200
FEED_ENTRIES = 50


def gather_site(store: Store, overview: Overview, title: str | None,
                base_url: str | None, label: str = "roadmap") -> dict[str, Any]:
    """Everything the site shows, in the documented `roadmap.json` shape; `label` (the
    roadmap's own, on every issue) is no chip."""
    texts = load_item_texts(store)
    happenings, changes = _happenings(store)
    item_of: dict[str, str] = {}
    how: dict[tuple[str, str], str] = {}
    for link in overview.links:
        item_of.setdefault(f"{link.repo}#{link.number}", link.item_id)
        how[(link.item_id, f"{link.repo}#{link.number}")] = link.how
    by_subject: dict[str, list[Happening]] = {}
    for happening in happenings:
        by_subject.setdefault(happening.subject, []).append(happening)
    items = [_item(overview, state, texts.get(state.item.id), by_subject, how, label)
             for state in overview.items]
    by_id = {item["id"]: item for item in items}
    records = {record.ref: record for record in overview.records}
    newest = max((r.updated_at for r in overview.records), default=None)
    return {
        "schema": SCHEMA,
        "title": title or "Roadmap",
        "base_url": base_url,
        "last_sync": stamp(store.load_last_sync()),
        "data_as_of": stamp(newest),
        "totals": _totals(overview),
        "items": items,
        "people": _people(overview, by_id, texts, records),
        "help_wanted": _help_wanted(overview, by_id, label),
        "changes": [_change(h, item_of, by_id, records) for h in changes],
    }


def _happenings(store: Store) -> tuple[list[Happening], list[Happening]]:
    """Every recorded change an item's history may show, and the newest changes.

    The first record is where history starts, not a change (the README's promise): the
    changes leave it out; an item's history keeps those of its facts GitHub dates (a
    claim at its comment or assignment, a closing), so history and card agree.
    """
    happenings = [h for row in load_history(store) if (h := describe(row))]
    start = min((h.seen for h in happenings if h.seen), default=None)
    later = [h for h in happenings if h.seen != start]
    newest = sorted(later, key=lambda h: (h.at, h.seen or h.at), reverse=True)
    return [h for h in happenings if h.seen != start or h.at != h.seen], \
        newest[:CHANGES_SHOWN]


def valid_until(overview: Overview, expiry_days: int, stale_days: int) -> datetime | None:
    """The first moment a claim or an item goes stale with no new data: the site built
    now is right until then."""
    moments = [claim.last_activity + timedelta(days=expiry_days)
               for claims in overview.claims.values() for claim in claims
               if not claim.stale and claim.dated]
    moments += [state.last_activity + timedelta(days=stale_days) for state in overview.items
                if state.status == "in-progress" and state.last_activity is not None]
    return min(moments, default=None)


def _counts(overview: Overview, state: ItemState) -> dict[str, int]:
    return item_counts(overview, state).as_dict()


def _totals(overview: Overview) -> dict[str, int]:
    totals: dict[str, int] = total_counts(overview).as_dict()
    # The one count of roadmap issues, as sync, `issues`, `status` and reports give it.
    issues = [r for r in overview.records if not r.is_pull_request]
    totals["issues"] = len(issues)
    totals["open_issues"] = sum(r.state == "open" for r in issues)
    totals["labelled_pull_requests"] = len(overview.records) - len(issues)
    return totals


def _item(overview: Overview, state: ItemState, text: ItemText | None,
          by_subject: dict[str, list[Happening]],
          how: dict[tuple[str, str], str], label: str) -> dict[str, Any]:
    item = state.item
    history = [h for h in by_subject.get(item.id, []) if h.kind.startswith("item")]
    history += [h for r in state.issues for h in by_subject.get(r.ref, [])]
    history.sort(key=lambda h: h.at, reverse=True)
    return {
        "id": item.id, "number": item.number, "title": item.title, "level": item.level,
        "parent": item.parent, "children": list(state.children), "page": item_page(item.id),
        "anchor": text.anchor if text else None,
        "declared": item.declared, "declared_raw": text.status_raw if text else None,
        "status": state.status, "milestone": text.milestone if text else None,
        "owners": [_person_ref(login) for login in (text.owners if text else ())],
        "progress": _counts(overview, state),
        "issues_closed": sum(1 for r in state.issues if r.state == "closed"),
        "issues_total": len(state.issues),
        "sub_issues": state.sub_issues.to_dict() if state.sub_issues else None,
        "people": [_person_ref(login) for login in state.people],
        "last_activity": stamp(state.last_activity), "drift": list(state.drift),
        "body": text.body if text else "",
        "tasks": [{"text": t, "done": done} for t, done in (text.tasks if text else ())],
        "issues": [_issue(r, overview.claims[r.ref], how.get((item.id, r.ref)), label)
                   for r in state.issues],
        "history": [_happening(h) for h in history],
    }


def _person_ref(login: str) -> dict[str, Any]:
    return {"login": login, "page": person_page(login)}


def _chips(labels: list[str], label: str, *also: str) -> list[str]:
    """The labels worth a chip: not the roadmap's own label (every issue has it), nor
    those the card already says (`also`, such as "good first issue" in its badge)."""
    hidden = {label.lower(), *(name.lower() for name in also)}
    return [name for name in labels if name.lower() not in hidden]


def _issue(record: IssueRecord, claims: list[Claim], how: str | None,
           label: str) -> dict[str, Any]:
    return {
        "repo": record.repo, "number": record.number, "ref": record.ref,
        "title": record.title, "url": safe_url(record.url), "state": record.state,
        "state_reason": record.state_reason, "is_pull_request": record.is_pull_request,
        "labels": list(record.labels), "chips": _chips(record.labels, label),
        "assignees": list(record.assignees),
        "updated_at": stamp(record.updated_at), "linked_by": how,
        "sub_issues": record.sub_issues.to_dict() if record.sub_issues else None,
        "sub_issue_list": [{
            "repo": c.repo, "number": c.number, "title": c.title, "state": c.state,
            "state_reason": c.state_reason, "url": safe_url(c.html_url),
        } for c in record.children],
        "claims": [{
            "login": c.login, "page": person_page(c.login), "kind": c.kind,
            "since": stamp(shown_dates(c)[0]), "last_activity": stamp(shown_dates(c)[1]),
            "stale": c.stale, "evidence": c.evidence, "evidence_url": safe_url(c.evidence),
        } for c in claims],
        "pulls": [{
            "repo": p.repo, "number": p.number, "title": p.title, "url": safe_url(p.url),
            "state": p.state, "merged": p.merged, "author": p.author,
        } for p in record.pulls],
    }


def _people(overview: Overview, items: dict[str, dict[str, Any]],
            texts: dict[str, ItemText], records: dict[str, IssueRecord]) -> list[dict[str, Any]]:
    """Claimants (active work first, as `who` orders them), then owners named in the
    roadmap who claim nothing."""
    owned: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for text in texts.values():
        for login in text.owners:
            names.setdefault(login.lower(), login)
            owned.setdefault(login.lower(), []).append(text.id)
    people = []
    for person in who_view(overview):
        key = person["login"].lower()
        issues = [{**entry, "ref": f"{entry['repo']}#{entry['number']}",
                   "url": safe_url(records[f"{entry['repo']}#{entry['number']}"].url),
                   **_item_ref(items, entry["item"])} for entry in person["issues"]]
        people.append(_person(person["login"], issues, owned.pop(key, []), items))
    for key in sorted(owned):
        people.append(_person(names[key], [], owned[key], items))
    return people


def _person(login: str, issues: list[dict[str, Any]], owns: list[str],
            items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "login": login, "page": person_page(login), "issues": issues,
        "active": sum(1 for i in issues if not i["stale"]),
        "stale": sum(1 for i in issues if i["stale"]),
        "since": min((i["since"] for i in issues if i["since"]), default=None),
        "owns": [{"id": item_id, **_item_ref(items, item_id)} for item_id in owns
                 if item_id in items],
    }


def _item_ref(items: dict[str, dict[str, Any]], item_id: str | None) -> dict[str, Any]:
    item = items.get(item_id or "")
    return {"item_title": item["title"] if item else None,
            "item_number": item["number"] if item else None,
            "item_page": item["page"] if item else None}


def _help_wanted(overview: Overview, items: dict[str, dict[str, Any]],
                 label: str) -> list[dict[str, Any]]:
    found = []
    for entry in available_view(overview):
        good_first = any(name.lower() in GOOD_FIRST for name in entry["labels"])
        claim = entry["claim"]
        found.append({**entry, "ref": f"{entry['repo']}#{entry['number']}",
                      "url": safe_url(entry["url"]), "good_first": good_first,
                      # "good first issue" is the card's badge: not a chip besides.
                      "chips": _chips(entry["labels"], label, *GOOD_FIRST),
                      "claim": None if claim is None else {
                          **claim, "page": person_page(claim["login"])},
                      **_item_ref(items, entry["item"])})
    return found


def _happening(happening: Happening) -> dict[str, Any]:
    return {"at": stamp(happening.at), "kind": happening.kind, "subject": happening.subject,
            "detail": happening.detail}


def _change(happening: Happening, item_of: dict[str, str], items: dict[str, dict[str, Any]],
            records: dict[str, IssueRecord]) -> dict[str, Any]:
    """A change, with the item it concerns (the item itself, or the item of its issue),
    and its issue's title and URL as they are now."""
    item_id = happening.subject if happening.kind.startswith("item") else item_of.get(
        happening.subject)
    record = records.get(happening.subject)
    return {**_happening(happening), "item": item_id if item_id in items else None,
            **_item_ref(items, item_id),
            "issue_title": record.title if record else None,
            "issue_url": safe_url(record.url) if record else None}
