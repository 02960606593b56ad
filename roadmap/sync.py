"""Sync: the issues labelled `roadmap` from GitHub into the store, incrementally.

A pipeline of named stages per repository: the issue list (keyset pages, each
committed with the cursor), departures (issues that lost the label, were deleted
or transferred, which a label filter never shows), comments, then events and
linked pull requests of the issues that changed. Every stage resumes where an
interrupted run stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from roadmap.errors import RateLimited
from roadmap.github import GitHubClient, parse_comment, parse_issue, parse_timeline
from roadmap.model import RemoteComment, RemoteIssue
from roadmap.store import CursorState, Store

log = logging.getLogger(__name__)

PER_PAGE = 100
#: Up to this many issues' comments are fetched one issue at a time; beyond, the
#: repository-wide comments list (one call per 100 comments of any issue) is cheaper.
PER_ISSUE_COMMENTS_LIMIT = 10

Progress = Callable[[str, int], None]


@dataclass(slots=True)
class RepoSummary:
    """What one repository's sync did, as `roadmap sync --json` prints it."""

    repo: str
    issues_seen: int = 0
    new: int = 0
    updated: int = 0
    dropped: int = 0
    comments: int = 0
    requests: int = 0
    not_modified: int = 0
    rate_limit_remaining: int | None = None
    duration_s: float = 0.0
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_started")
        return data


def sync_repos(store: Store, client: GitHubClient, repos: list[str], label: str,
               full: bool = False, progress: Progress | None = None) -> list[RepoSummary]:
    """Sync each repository in turn, holding the store so no other sync interleaves."""
    with store.sync_lock():
        return [sync_repo(store, client, repo, label, full, progress) for repo in repos]


def sync_repo(store: Store, client: GitHubClient, repo: str, label: str, full: bool,
              progress: Progress | None = None) -> RepoSummary:
    summary = RepoSummary(repo)
    before = (client.counters.requests, client.counters.not_modified)
    run = store.begin_run(repo, full)
    outcome, message = "failed", None
    try:
        repo_id = resolve_repo(store, client, repo, full)
        sync_issue_list(store, client, repo, repo_id, label, summary, progress)
        sync_departures(store, client, repo, repo_id, label, summary)
        sync_comments(store, client, repo, repo_id, summary)
        sync_details(store, client, repo, repo_id, progress)
        outcome = "ok"
    except RateLimited as error:
        outcome, message = "rate-limited", str(error)
        raise
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    except Exception as error:
        message = str(error)
        raise
    finally:
        summary.requests = client.counters.requests - before[0]
        summary.not_modified = client.counters.not_modified - before[1]
        summary.rate_limit_remaining = client.counters.rate_remaining
        summary.duration_s = round(time.perf_counter() - summary._started, 3)
        store.finish_run(run, outcome=outcome, message=message, **{
            k: v for k, v in summary.to_dict().items() if k not in ("repo", "duration_s")})
    return summary


def resolve_repo(store: Store, client: GitHubClient, repo: str, full: bool) -> int:
    """The repository's id: from the store when known (no request), else from GitHub."""
    known = store.load_repo_id(repo)
    if known is None or full:
        known = store.save_repo(client.fetch_repo(repo))
    if full:
        store.reset_cursors(known)
    return known


# -- the issue list -------------------------------------------------------------------------


def sync_issue_list(store: Store, client: GitHubClient, repo: str, repo_id: int, label: str,
                    summary: RepoSummary, progress: Progress | None) -> None:
    """Keyset pages of `sort=updated&direction=asc&since=<cursor>`, each committed.

    Offset pages shift while they are read; asking again from the newest
    `updated_at` seen cannot skip an issue. When a whole page shares one
    timestamp, the `next` link moves past it. The last, short page's query and
    ETag are kept so an unchanged repository answers 304 next time.
    """
    cursor = store.load_cursor(repo_id, "issues")
    since, etag = cursor.position, cursor.etag
    url = f"/repos/{repo}/issues"
    next_url: str | None = None
    while True:
        params = _list_params(label, since)
        page = (client.get_page(next_url) if next_url
                else client.get_page(url, params, etag if _query(params) == cursor.url else None))
        if page.items is None:
            return  # 304: nothing changed since the last sync
        issues = [parse_issue(data) for data in page.items]
        newest = _stamp(max((i.updated_at for i in issues), default=None)) or since
        # The last page's query (and ETag) is kept, so an unchanged repository answers 304
        # next time, whether that page was short or, by chance, exactly full.
        last = page.next_url is None
        keep = CursorState(since if last else newest, _query(params),
                           page.etag if last and not next_url else None)
        new, updated, dropped = store.save_issue_page(repo_id, issues, label, ("issues", keep))
        summary.issues_seen += len(issues)
        summary.new, summary.updated = summary.new + new, summary.updated + updated
        summary.dropped += dropped
        if progress:
            progress("issues", len(issues))
        if page.next_url is None:
            return  # the whole answer was this page (a full one too: asking again would loop)
        next_url = page.next_url if newest == since else None
        since = newest


def _list_params(label: str, since: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"labels": label, "state": "all", "sort": "updated",
                              "direction": "asc", "per_page": PER_PAGE}
    if since:
        params["since"] = since
    return params


def _query(params: dict[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()))


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


# -- departures -----------------------------------------------------------------------------


def sync_departures(store: Store, client: GitHubClient, repo: str, repo_id: int, label: str,
                    summary: RepoSummary) -> None:
    """Notice issues that left the label's view: unlabelled, deleted or transferred.

    One conditional search call counts the labelled issues; only when that count
    differs from the store's does the tool list the labelled numbers and look at
    each missing issue. A 304 means GitHub's count is the one kept with the ETag,
    not that the store still matches it: the issue list may have added an issue
    while another left (an unchanged count and first result answer 304).
    """
    ours = store.load_roadmap_numbers(repo_id)
    cursor = store.load_cursor(repo_id, "count")
    query = f'repo:{repo} label:"{label}"'
    etag = cursor.etag if cursor.url == query else None
    status, headers, data = client.get("/search/issues", {"q": query, "per_page": 1}, etag)
    if status == 304:
        kept = cursor.position or ""
        total = int(kept) if kept.isdigit() else -1
    else:
        total, etag = int((data or {}).get("total_count", -1)), headers.get("etag")
    if total == len(ours):
        store.save_cursor(None, repo_id, "count", CursorState(str(total), query, etag))
        return
    summary.dropped += reconcile(store, client, repo, repo_id, label, ours)
    store.save_cursor(None, repo_id, "count", CursorState(None, query, None))


def reconcile(store: Store, client: GitHubClient, repo: str, repo_id: int, label: str,
              ours: set[int]) -> int:
    """List every labelled number; ask GitHub about each one the store has but it lacks."""
    listed: set[int] = set()
    params = {"labels": label, "state": "all", "per_page": PER_PAGE}
    for page in client.pages(f"/repos/{repo}/issues", params):
        listed.update(int(data["number"]) for data in page)
    dropped = 0
    for number in sorted(ours - listed):
        fate, detail = client.fetch_issue(repo, number)
        if fate == "ok" and isinstance(detail, RemoteIssue):
            store.save_issue_page(repo_id, [detail], label, None)
            if label.lower() in (name.lower() for name in detail.labels):
                continue  # relabelled meanwhile: it was saved above
            dropped += 1
        else:
            store.mark_gone(repo_id, number, fate, detail if isinstance(detail, str) else None)
            dropped += 1
    return dropped


# -- comments, events and linked pull requests ------------------------------------------------


def sync_comments(store: Store, client: GitHubClient, repo: str, repo_id: int,
                  summary: RepoSummary) -> None:
    """Comments of the issues that changed, by whichever way costs fewer calls."""
    stale = store.load_stale_details(repo_id)
    if not stale:
        return
    cursor = store.load_cursor(repo_id, "comments")
    with_comments = [row for row in stale if row[3] > 0 or row[4] > 0]
    calls = sum(max(1, -(-row[3] // PER_PAGE)) for row in with_comments)
    if cursor.position and calls <= PER_ISSUE_COMMENTS_LIMIT:
        summary.comments += sync_issue_comments(store, client, repo, repo_id, with_comments)
        return
    summary.comments += sync_all_comments(store, client, repo, repo_id, cursor)
    # The list since the cursor shows no deleted comment, nor the older comments of an
    # issue that joined the roadmap since: where the counts differ, read the issue whole.
    differ = [row for row in store.load_stale_details(repo_id) if row[3] != row[4]]
    summary.comments += sync_issue_comments(store, client, repo, repo_id, differ)


def sync_issue_comments(store: Store, client: GitHubClient, repo: str, repo_id: int,
                        stale: list[tuple[int, int, datetime, int, int]]) -> int:
    """Each issue's complete comments, replacing those stored."""
    saved = 0
    for issue_id, number, *_ in stale:
        comments: list[RemoteComment] = []
        for page in client.pages(f"/repos/{repo}/issues/{number}/comments",
                                 {"per_page": PER_PAGE}):
            comments.extend(c for data in page if (c := parse_comment(data)))
        saved += store.save_comments(repo_id, comments, None, replace_for=issue_id)
    return saved


def sync_all_comments(store: Store, client: GitHubClient, repo: str, repo_id: int,
                      cursor: CursorState) -> int:
    """The repository-wide comments list, keyset by `updated_at` like the issue list."""
    since = cursor.position
    saved = 0
    next_url: str | None = None
    ids = store.load_issue_ids(repo_id)  # the issue list is done: read them once, not per page
    while True:
        params: dict[str, Any] = {"sort": "updated", "direction": "asc", "per_page": PER_PAGE}
        if since:
            params["since"] = since
        page = (client.get_page(next_url) if next_url
                else client.get_page(f"/repos/{repo}/issues/comments", params))
        comments = [c for data in page.items or [] if (c := parse_comment(data))]
        newest = _stamp(max((c.updated_at for c in comments), default=None)) or since
        keep = CursorState(newest, None, None)
        saved += store.save_comments(repo_id, comments, ("comments", keep), ids=ids)
        if page.next_url is None:
            return saved
        next_url = page.next_url if newest == since else None
        since = newest


def sync_details(store: Store, client: GitHubClient, repo: str, repo_id: int,
                 progress: Progress | None) -> None:
    """Events and linked pull requests of each changed open issue, from its timeline.

    A closed issue's claims no longer matter, so its timeline is not fetched:
    that keeps a first sync of a long history affordable.
    """
    states = store.load_issue_states(repo_id)  # one query, not one per issue
    for issue_id, number, updated_at, *_ in store.load_stale_details(repo_id):
        if states.get(issue_id) != "open":
            store.mark_details(issue_id, updated_at)
            continue
        entries: list[dict[str, Any]] = []
        for page in client.pages(f"/repos/{repo}/issues/{number}/timeline",
                                 {"per_page": PER_PAGE}):
            entries.extend(page)
        events, pulls = parse_timeline(entries, repo, number)
        store.save_details(issue_id, updated_at, events, pulls)
        if progress:
            progress("details", 1)
