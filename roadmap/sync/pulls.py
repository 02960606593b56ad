"""Linked pull requests, from the repository's pull request list (their changes move no issue)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from roadmap.github.read import parse_pull
from roadmap.model import parse_time
from roadmap.store import CursorState
from roadmap.sync.run import (
    PER_PAGE,
    Run,
    newest_first,
    stamp_of,
)

# -- linked pull requests -------------------------------------------------------------------


def sync_pulls(run: Run) -> None:
    """The pull requests that changed since the last sync, and the issues they refer to.

    A pull request changing (opened, edited, merged, closed) moves none of its issues'
    `updated_at`, so the list is asked every time: newest change first, down to the
    last sync, its first page conditional (304 when no pull request changed). A first
    sync reads every open pull request and those that changed in the window.
    """
    store, client = run.store, run.client
    cursor = store.load_cursor(run.repo_id, "pulls")
    url = f"/repos/{run.repo}/pulls"
    newest: datetime | None = parse_time(cursor.position)
    reads: list[tuple[str, str | None, datetime | None]]
    first = newest is None
    if first:
        # the window's changes (its first page's ETag serves next time), then every open
        # one, unless the window's list is one page, which holds them all
        reads = [("all", None, run.window_start()), ("open", None, None)]
    else:
        reads = [("all", cursor.etag, newest)]
    keys: dict[tuple[str, int], int] | None = None
    labelled = store.load_roadmap_numbers(run.repo_id, pulls=True)
    kept_etag = cursor.etag
    whole = False
    for state, etag, floor in reads:
        if whole:
            break
        params = {"state": state, "sort": "updated", "direction": "desc", "per_page": PER_PAGE}
        page = client.get_page(url, params, etag)
        if page.items is None:
            continue  # 304: no pull request changed
        read_at = client.server_time
        kept_etag = page.etag if state == "all" else kept_etag
        keys = store.load_issue_keys() if keys is None else keys
        older = _changed_before(floor)
        chunks: Iterable[list[dict[str, Any]]] = newest_first(client, page, older)
        if first and page.next_url is None:  # every pull request: keep the open ones too
            whole = True
            chunks = [[data for data in page.items
                       if data.get("state") == "open" or not older(data)]]
        for entries in chunks:
            store.save_pulls([parse_pull(data, run.repo) for data in entries], keys)
            unlabel_pulls(run, labelled, entries)
            run.tick("pulls", len(entries))
        # Next time, from when this list was read: a change after it has a later stamp.
        moments = [m for m in (newest, read_at) if m is not None]
        newest = max(moments) if moments else None
    store.save_cursor(None, run.repo_id, "pulls",
                      CursorState(stamp_of(newest), None, kept_etag))


def unlabel_pulls(run: Run, labelled: set[int], entries: list[dict[str, Any]]) -> None:
    """Roadmap pull requests this list shows without the label have left the roadmap
    (the label search counts issues only; a pull request is neither deleted nor moved)."""
    wanted = run.label.lower()
    for data in entries:
        number = int(data["number"])
        names = {str(label.get("name", "")).lower() for label in data.get("labels") or []
                 if isinstance(label, dict)}
        if number in labelled and wanted not in names:
            run.store.mark_gone(run.repo_id, number, "unlabeled", None)
            run.summary.dropped += 1


def _changed_before(floor: datetime | None) -> Callable[[dict[str, Any]], bool]:
    """Whether a pull request last changed before `floor`: an earlier sync read it."""
    def before(data: dict[str, Any]) -> bool:
        updated = parse_time(data.get("updated_at"))
        return floor is not None and updated is not None and updated < floor
    return before
