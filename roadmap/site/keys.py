"""What each page shows, as a digest: a page whose digest is the one the last build
recorded, and whose file is as that build wrote it, renders to the same bytes, so it is
not rendered again.

A page's key covers everything its template reads: the frame every page shares (the
settings, the templates, the assets' names: `frame`), the site's title and base URL,
and the page's own data, read from the JSON `roadmap.json` is made of (`JsonParts`),
plus what it shows of other items (a parent's name, a child's status). The changes
page, the feed, `roadmap.json` and the assets have no key: they are always made and
compared by their bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from roadmap.site.data import Site, SiteItem, plain


def dumps(value: Any) -> str:
    """Compact JSON, as `roadmap.json` writes it (the C encoder; `plain` for dataclasses)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=plain)


@dataclass(slots=True, frozen=True)
class JsonParts:
    """`roadmap.json` in parts: each item and person apart, every other field whole."""

    items: list[str]
    people: list[str]
    rest: dict[str, str]


def json_parts(site: Site) -> JsonParts:
    """The site's JSON, encoded once, in the parts the pages' keys read."""
    rest = {name: dumps(getattr(site, name)) for name in site.__slots__
            if name not in ("items", "people")}
    return JsonParts([dumps(item) for item in site.items],
                     [dumps(person) for person in site.people], rest)


def _digest(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _name(item: SiteItem | None) -> list[Any]:
    """What a page shows of another item: its name, page and status."""
    return [] if item is None else [item.number, item.title, item.page, item.status]


def _row(item: SiteItem) -> list[Any]:
    """What the overview shows of an item."""
    return [item.id, item.number, item.title, item.page, item.status, item.parent,
            item.children, item.progress, item.issues_closed, item.issues_total,
            item.sub_issues, item.people, item.owners]


def page_keys(site: Site, parts: JsonParts, frame: str,
              anchors: dict[str, str]) -> dict[str, str]:
    """The key of every page that has one, by its path."""
    base = _digest(frame, dumps([site.title, site.base_url]))
    by_id = {item.id: item for item in site.items}
    keys = {
        # The overview shows the newest activity's day, not its time.
        "index.html": _digest(base, dumps([site.last_sync, (site.data_as_of or "")[:10],
                                           bool(site.data_as_of), site.totals,
                                           len(site.help_wanted)]),
                              dumps([_row(item) for item in site.items])),
        "help-wanted.html": _digest(base, parts.rest["help_wanted"]),
        "people/index.html": _digest(base, *parts.people),
    }
    links = dumps(sorted(anchors.items()))  # where a body's `#anchor` links go
    for item, text in zip(site.items, parts.items, strict=True):
        if item.page:
            keys[item.page] = _digest(
                base, links, text, dumps(_name(by_id.get(item.parent or ""))),
                dumps([_name(by_id[child]) for child in item.children]))
    for person, text in zip(site.people, parts.people, strict=True):
        if person.page:
            keys[person.page] = _digest(base, text, dumps(
                [_name(by_id.get(owned.id)) for owned in person.owns]))
    return keys
