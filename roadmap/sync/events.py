"""Events (assignments, labels, commits referencing an issue) of the issues that changed,
and sub-issues whose summary moved."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from roadmap.github.read import parse_repo_event, parse_timeline
from roadmap.model import RemoteSubIssue, parse_time
from roadmap.store import CursorState, StaleIssue
from roadmap.sync.run import (
    PER_ISSUE_LIMIT,
    PER_PAGE,
    Run,
    newest_first,
)

# -- events ---------------------------------------------------------------------------------


def sync_events(run: Run, stale: list[StaleIssue], asked_at: datetime | None) -> int:
    """Assignment, label and commit (`referenced`) events of the issues that changed; how
    many of those changed in the second GitHub was asked (`asked_at`), and are left to be
    read again.

    The repository-wide events list, newest first, down to the newest event read
    last time (its first page is conditional). Its events since then are all the
    changed issues' new ones, except an issue new to the store (it joined the roadmap)
    whose older events matter too: a few such issues get their whole timeline, which
    also names the pull requests that mention them; many (a first sync) make the
    list go back through the window instead, and the pull requests are then read as
    by a first sync (their cursor is dropped first, so an interruption keeps it so).

    A commit that references an issue (`referenced`: a claimant's activity) moves no
    `updated_at` that GitHub documents (a cross-reference moves none): its event is kept
    by the next sync in which any roadmap issue changed, which reads the list down to
    the last read, not by a sync in which none did.
    """
    store = run.store
    if not stale:
        return 0
    cursor = store.load_cursor(run.repo_id, "events")
    joined = [issue for issue in stale if issue.never_read]  # closed ones too: they reopen
    if cursor.position is not None and len(joined) <= PER_ISSUE_LIMIT:
        for issue in joined:
            read_timeline(run, issue)
        read_repo_events(run, int(cursor.position), cursor.etag)
    else:
        if joined:  # their pull requests may be older than the last read of the list
            store.save_cursor(None, run.repo_id, "pulls", CursorState(None, None, None))
        read_repo_events(run, None, None)
    return store.mark_details(run.repo_id, [issue.id for issue in stale], asked_at)


def read_timeline(run: Run, issue: StaleIssue) -> None:
    """One issue's events and the pull requests that mention it, complete."""
    entries: list[dict[str, Any]] = []
    for page in run.client.pages(f"/repos/{run.repo}/issues/{issue.number}/timeline",
                                 {"per_page": PER_PAGE}):
        entries.extend(page)
    events, pulls = parse_timeline(entries, run.repo, issue.number)
    run.store.save_details(issue.id, issue.updated_at, events, pulls)
    run.tick("events", 1)


def read_repo_events(run: Run, floor: int | None, etag: str | None) -> None:
    """Newest first down to event id `floor`, or, without one, to the window's start.

    Offset pages of a newest-first list only shift towards later pages as events
    arrive: an event may be read twice (they are upserted), none is skipped. The
    cursor moves once the list has been read down to where it stops.
    """
    store, client = run.store, run.client
    page = client.get_page(f"/repos/{run.repo}/issues/events", {"per_page": PER_PAGE}, etag)
    if page.items is None:
        return  # 304: no event in the repository since
    ids = store.load_issue_ids(run.repo_id)
    start = run.window_start() if floor is None else None

    def read_before(entry: dict[str, Any]) -> bool:
        if floor is not None:
            return int(entry.get("id") or 0) <= floor
        created = parse_time(entry.get("created_at"))
        return start is not None and created is not None and created < start

    first_etag, newest = page.etag, floor or 0
    for entries in newest_first(client, page, read_before):
        newest = max([newest, *(int(entry.get("id") or 0) for entry in entries)])
        kept = [parsed for entry in entries if (parsed := parse_repo_event(entry)) is not None]
        store.save_events(run.repo_id, kept, None, ids)
        run.tick("events", len(kept))
    store.save_cursor(None, run.repo_id, "events", CursorState(str(newest), None, first_etag))


# -- sub-issues -----------------------------------------------------------------------------


def sync_sub_issues(run: Run, swept: bool = False) -> None:
    """The sub-issues of every roadmap issue whose summary moved from the stored list's,
    and, at a sweep (`swept`), every other stored list, conditionally.

    Adding or removing a sub-issue, or a sub-issue closing, moves no `updated_at` on
    either side, but every issue answer carries `sub_issues_summary`: the issue list
    stages have saved it, and a list is read (one call: at most 100 sub-issues) only
    where it no longer matches what the stored sub-issues stand for. A sub-issue off
    the roadmap that is transferred (or retitled) moves no summary and nothing else the
    sync reads, but its parent's list names it anew: at a sweep each stored list is asked
    again with its ETag (the cursor `sub-issues #N`), free when nothing changed.
    """
    store = run.store
    read = set()
    for issue_id, number, summary in store.load_sub_issue_work(run.repo_id):
        children, etag = run.client.fetch_sub_issues(run.repo, number) if summary else ([], None)
        save_sub_issue_list(run, issue_id, number, children or [], summary, etag)
        read.add(issue_id)
    if not swept:
        return
    for issue_id, number, listed in store.load_sub_issue_lists(run.repo_id):
        etag = store.load_cursor(run.repo_id, sub_issues_cursor(number)).etag
        if issue_id in read or etag == "":
            continue  # read just now, or GitHub gave no ETag: each ask would cost a point
        children, etag = run.client.fetch_sub_issues(run.repo, number, etag)
        if children is not None:
            save_sub_issue_list(run, issue_id, number, children, listed, etag)


def sub_issues_cursor(number: int) -> str:
    """The name of the cursor that keeps the ETag of issue `number`'s sub-issue list."""
    return f"sub-issues #{number}"


def save_sub_issue_list(run: Run, issue_id: int, number: int, children: list[RemoteSubIssue],
                        summary: str | None, etag: str | None) -> None:
    """A list read whole and its ETag ("" when GitHub sent none; none kept without one)."""
    run.store.save_sub_issues(issue_id, children, summary)
    kept = None if summary is None else etag or ""
    run.store.save_cursor(None, run.repo_id, sub_issues_cursor(number),
                          CursorState(None, None, kept))
    run.tick("sub-issues", len(children))
