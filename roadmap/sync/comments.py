"""Comments: the repository's newest-changed, conditional; an issue's whole list where its
count says some are missing."""

from __future__ import annotations

from typing import Any

from roadmap.collector import collector_paused
from roadmap.github.read import parse_comment
from roadmap.model import RemoteComment, parse_time
from roadmap.store import CursorState, StaleIssue
from roadmap.sync.run import (
    PER_PAGE,
    Run,
    stamp_of,
)

# -- comments -------------------------------------------------------------------------------


def sync_comments(run: Run) -> None:
    """New and edited comments, then whole lists where a count says some are missing.

    An edited comment moves no issue's `updated_at`, so the repository's comments are
    probed every time: newest change first, conditional (free when no comment in the
    repository changed), down to the last one read. The list shows no deleted comment,
    nor the older comments of an issue that joined the roadmap: where the stored count
    differs from GitHub's, the issue's comments are read whole.
    """
    cursor = run.store.load_cursor(run.repo_id, "comments")
    if cursor.position is None:
        if not first_comments(run):
            run.summary.comments += read_comment_pages(run, None)
    else:
        probe_comments(run)
    differ = [row for row in run.store.load_stale_details(run.repo_id)
              if row.comments != row.stored_comments]
    run.summary.comments += sync_issue_comments(run, differ)


def first_comments(run: Run) -> bool:
    """A first read starts with the probe's page (newest change first), which primes its
    ETag; whether that one page held every comment (else the keyset pages follow)."""
    store, client = run.store, run.client
    params = {"sort": "updated", "direction": "desc", "per_page": PER_PAGE}
    page = client.get_page(f"/repos/{run.repo}/issues/comments", params)
    store.save_cursor(None, run.repo_id, "comments-probe", CursorState(None, None, page.etag))
    if page.next_url is not None:
        return False
    comments = [c for data in page.items or [] if (c := parse_comment(data))]
    # With no comment yet, from when the list was read: a later one is stamped later.
    newest = stamp_of(max((c.updated_at for c in comments), default=None)) or stamp_of(
        client.begun_at)
    run.summary.comments += store.save_comments(
        run.repo_id, comments, ("comments", CursorState(newest, None, None)),
        ids=store.load_issue_ids(run.repo_id))
    run.tick("comments", len(comments))
    return True


def probe_comments(run: Run, prime: bool = False) -> None:
    """The repository's newest-changed comments, conditional, down to the cursor; with
    `prime`, only to keep the ETag (a first sync has just read them all)."""
    store, client = run.store, run.client
    probe = store.load_cursor(run.repo_id, "comments-probe")
    params = {"sort": "updated", "direction": "desc", "per_page": PER_PAGE}
    page = client.get_page(f"/repos/{run.repo}/issues/comments", params, probe.etag)
    if page.items is None:
        return  # 304: no comment changed anywhere in the repository
    keep = CursorState(None, None, page.etag)
    since = store.load_cursor(run.repo_id, "comments").position
    floor = parse_time(since)
    comments = [c for data in page.items if (c := parse_comment(data))]
    changed = [c for c in comments if floor is None or c.updated_at > floor
               or (c.updated_at == floor and not prime)]
    if not prime and len(changed) == len(comments) and page.next_url and since:
        run.summary.comments += read_comment_pages(run, since)  # more than a page changed
    else:
        ids = store.load_issue_ids(run.repo_id)
        newest = stamp_of(max((c.updated_at for c in changed), default=None))
        moved = CursorState(max([p for p in (since, newest) if p], default=None), None, None)
        run.summary.comments += store.save_comments(run.repo_id, changed, ("comments", moved),
                                                    ids=ids)
    store.save_cursor(None, run.repo_id, "comments-probe", keep)


def sync_issue_comments(run: Run, stale: list[StaleIssue]) -> int:
    """Each issue's complete comments, replacing those stored."""
    saved = 0
    for issue in stale:
        comments: list[RemoteComment] = []
        for page in run.client.pages(f"/repos/{run.repo}/issues/{issue.number}/comments",
                                     {"per_page": PER_PAGE}):
            comments.extend(c for data in page if (c := parse_comment(data)))
        saved += run.store.save_comments(run.repo_id, comments, None, replace_for=issue.id)
    return saved


def read_comment_pages(run: Run, since: str | None) -> int:
    """The repository-wide comments list, keyset by `updated_at` like the issue list."""
    store, client = run.store, run.client
    saved = 0
    next_url: str | None = None
    ids = store.load_issue_ids(run.repo_id)  # the issue list is done: read them once
    while True:
        params: dict[str, Any] = {"sort": "updated", "direction": "asc", "per_page": PER_PAGE}
        if since:
            params["since"] = since
        with collector_paused():  # a page's objects live until it is saved: no cycles
            page = (client.get_page(next_url) if next_url
                    else client.get_page(f"/repos/{run.repo}/issues/comments", params))
            comments = [c for data in page.items or [] if (c := parse_comment(data))]
            # With no comment yet, from when the list was read: a later one is stamped later.
            newest = (stamp_of(max((c.updated_at for c in comments), default=None)) or since
                      or stamp_of(client.begun_at))
            keep = CursorState(newest, None, None)
            saved += store.save_comments(run.repo_id, comments, ("comments", keep), ids=ids)
        run.tick("comments", len(comments))
        if page.next_url is None:
            return saved
        next_url = page.next_url if newest == since else None
        since = newest
