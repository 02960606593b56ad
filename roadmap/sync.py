"""Sync: the issues labelled `roadmap` from GitHub into the store, incrementally.

A pipeline of named stages per repository. One conditional search first asks whether
any labelled issue changed, joined or left (a 304 says none did, and costs nothing);
only then come the issue list (keyset pages, each committed with the cursor),
departures (issues that lost the label, were deleted or transferred, which a label
filter never shows), comments and events of the issues that changed. Linked pull
requests come from the repository's pull request list, whose changes move no issue.
Every stage resumes where an interrupted run stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from roadmap.errors import RateLimited
from roadmap.github import (
    GitHubClient,
    Page,
    parse_comment,
    parse_issue,
    parse_pull,
    parse_repo_event,
    parse_timeline,
)
from roadmap.model import RemoteComment, RemoteIssue, parse_time
from roadmap.store import CursorState, StaleIssue, Store

log = logging.getLogger(__name__)

PER_PAGE = 100
#: Up to this many issues' comments (or new issues' timelines) are fetched one issue at a
#: time; beyond, the repository-wide list (one call per 100 of any issue) is cheaper.
PER_ISSUE_LIMIT = 10
#: A first sync reads events and closed pull requests this far back: older ones change
#: no claim (a claim with no activity for `claim_expiry_days` is stale whatever its age).
DEFAULT_WINDOW = timedelta(days=30)

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


@dataclass(slots=True, frozen=True)
class Run:
    """One repository's sync: what every stage needs."""

    store: Store
    client: GitHubClient
    repo: str
    repo_id: int
    label: str
    window: timedelta
    summary: RepoSummary
    progress: Progress | None

    def tick(self, stage: str, count: int) -> None:
        if self.progress:
            self.progress(stage, count)

    def window_start(self) -> datetime:
        """`window` before now by GitHub's clock (the machine's may be wrong)."""
        return (self.client.server_time or datetime.now(UTC)) - self.window


def sync_repos(store: Store, client: GitHubClient, repos: list[str], label: str,
               full: bool = False, progress: Progress | None = None,
               window: timedelta = DEFAULT_WINDOW) -> list[RepoSummary]:
    """Sync each repository in turn, holding the store so no other sync interleaves."""
    with store.sync_lock():
        return [sync_repo(store, client, repo, label, full, progress, window)
                for repo in repos]


def sync_repo(store: Store, client: GitHubClient, repo: str, label: str, full: bool,
              progress: Progress | None = None,
              window: timedelta = DEFAULT_WINDOW) -> RepoSummary:
    summary = RepoSummary(repo)
    before = (client.counters.requests, client.counters.not_modified)
    run_id = store.begin_run(repo, full)
    outcome, message = "failed", None
    try:
        repo_id = resolve_repo(store, client, repo, full)
        run = Run(store, client, repo, repo_id, label, window, summary, progress)
        watch = watch_labelled(run)
        if watch is not None:
            asked_at = client.server_time
            sync_issue_list(run)
            sync_departures(run, watch)
            stale = store.load_stale_details(repo_id)  # what changed: its details lag
            sync_comments(run, stale)
            if sync_events(run, stale, asked_at):
                watch = replace(watch, etag=None)  # some issue must be read again
        sync_pulls(run)
        if watch is not None:  # kept last: an interrupted run is not taken as done
            store.save_cursor(None, repo_id, "watch", watch)
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
        store.finish_run(run_id, outcome=outcome, message=message, **{
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


def watch_labelled(run: Run) -> CursorState | None:
    """Whether any labelled issue changed, joined or left since the last complete sync.

    One conditional search, newest change first, one result: an edit, comment or
    assignment changes the first result, an issue gaining, losing the label or
    going away changes the count. A 304 (None here) means nothing did. Otherwise
    the answer's count and ETag, to keep once every stage is done.
    """
    cursor = run.store.load_cursor(run.repo_id, "watch")
    query = f'repo:{run.repo} label:"{run.label}"'
    etag = cursor.etag if cursor.url == query else None
    status, headers, data = run.client.get(
        "/search/issues", {"q": query, "sort": "updated", "order": "desc", "per_page": 1}, etag)
    if status == 304:
        return None
    return CursorState(str(int((data or {}).get("total_count", -1))), query, headers.get("etag"))


# -- the issue list -------------------------------------------------------------------------


def sync_issue_list(run: Run) -> None:
    """Keyset pages of `sort=updated&direction=asc&since=<cursor>`, each committed.

    Offset pages shift while they are read; asking again from the newest
    `updated_at` seen cannot skip an issue. When a whole page shares one
    timestamp, the `next` link moves past it. No ETag is sent: the watch search
    has already said something changed.
    """
    store, client, summary = run.store, run.client, run.summary
    since = store.load_cursor(run.repo_id, "issues").position
    url = f"/repos/{run.repo}/issues"
    next_url: str | None = None
    while True:
        page = (client.get_page(next_url) if next_url
                else client.get_page(url, _list_params(run.label, since)))
        issues = [parse_issue(data) for data in page.items or []]
        newest = _stamp(max((i.updated_at for i in issues), default=None)) or since
        new, updated, dropped = store.save_issue_page(
            run.repo_id, issues, run.label, ("issues", CursorState(newest, None, None)))
        summary.issues_seen += len(issues)
        summary.new, summary.updated = summary.new + new, summary.updated + updated
        summary.dropped += dropped
        run.tick("issues", len(issues))
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


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


# -- departures -----------------------------------------------------------------------------


def sync_departures(run: Run, watch: CursorState) -> None:
    """Notice issues that left the label's view: unlabelled, deleted or transferred.

    The watch search counted the labelled issues; only when that count differs
    from the store's does the tool list the labelled numbers and look at each
    missing issue.
    """
    ours = run.store.load_roadmap_numbers(run.repo_id)
    if watch.position != str(len(ours)):
        run.summary.dropped += reconcile(run, ours)


def reconcile(run: Run, ours: set[int]) -> int:
    """List every labelled number; ask GitHub about each one the store has but it lacks."""
    store, client, repo = run.store, run.client, run.repo
    listed: set[int] = set()
    params = {"labels": run.label, "state": "all", "per_page": PER_PAGE}
    for page in client.pages(f"/repos/{repo}/issues", params):
        listed.update(int(data["number"]) for data in page)
    dropped = 0
    for number in sorted(ours - listed):
        fate, detail = client.fetch_issue(repo, number)
        if fate == "ok" and isinstance(detail, RemoteIssue):
            store.save_issue_page(run.repo_id, [detail], run.label, None)
            if run.label.lower() in (name.lower() for name in detail.labels):
                continue  # relabelled meanwhile: it was saved above
            dropped += 1
        else:
            store.mark_gone(run.repo_id, number, fate, detail if isinstance(detail, str) else None)
            dropped += 1
    return dropped


# -- comments -------------------------------------------------------------------------------


def sync_comments(run: Run, stale: list[StaleIssue]) -> None:
    """Comments of the issues that changed, by whichever way costs fewer calls."""
    store = run.store
    if not stale:
        return
    cursor = store.load_cursor(run.repo_id, "comments")
    with_comments = [row for row in stale if row.comments > 0 or row.stored_comments > 0]
    calls = sum(max(1, -(-row.comments // PER_PAGE)) for row in with_comments)
    if cursor.position and calls <= PER_ISSUE_LIMIT:
        run.summary.comments += sync_issue_comments(run, with_comments)
        return
    run.summary.comments += sync_all_comments(run, cursor)
    # The list since the cursor shows no deleted comment, nor the older comments of an
    # issue that joined the roadmap since: where the counts differ, read the issue whole.
    differ = [row for row in store.load_stale_details(run.repo_id)
              if row.comments != row.stored_comments]
    run.summary.comments += sync_issue_comments(run, differ)


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


def sync_all_comments(run: Run, cursor: CursorState) -> int:
    """The repository-wide comments list, keyset by `updated_at` like the issue list."""
    store, client = run.store, run.client
    since = cursor.position
    saved = 0
    next_url: str | None = None
    ids = store.load_issue_ids(run.repo_id)  # the issue list is done: read them once
    while True:
        params: dict[str, Any] = {"sort": "updated", "direction": "asc", "per_page": PER_PAGE}
        if since:
            params["since"] = since
        page = (client.get_page(next_url) if next_url
                else client.get_page(f"/repos/{run.repo}/issues/comments", params))
        comments = [c for data in page.items or [] if (c := parse_comment(data))]
        newest = _stamp(max((c.updated_at for c in comments), default=None)) or since
        keep = CursorState(newest, None, None)
        saved += store.save_comments(run.repo_id, comments, ("comments", keep), ids=ids)
        run.tick("comments", len(comments))
        if page.next_url is None:
            return saved
        next_url = page.next_url if newest == since else None
        since = newest


# -- events ---------------------------------------------------------------------------------


def sync_events(run: Run, stale: list[StaleIssue], asked_at: datetime | None) -> int:
    """Assignment and label events of the issues that changed; how many of those changed
    in the second GitHub was asked (`asked_at`), and are left to be read again.

    The repository-wide events list, newest first, down to the newest event read
    last time (its first page is conditional). Its events since then are all the
    changed issues' new ones, except an issue new to the store (it joined the roadmap)
    whose older events matter too: a few such issues get their whole timeline, which
    also names the pull requests that mention them; many (a first sync) make the
    list go back through the window instead, and the pull requests are then read as
    by a first sync (their cursor is dropped first, so an interruption keeps it so).
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


def newest_first(client: GitHubClient, page: Page,
                 read_before: Callable[[dict[str, Any]], bool]) -> Iterator[list[dict[str, Any]]]:
    """A newest-first list's entries, a page at a time from `page` on, down to the first
    one `read_before` says an earlier sync read (it and those after it are left out)."""
    while True:
        entries = page.items or []
        stop = next((n for n, entry in enumerate(entries) if read_before(entry)), None)
        yield entries if stop is None else entries[:stop]
        if stop is not None or page.next_url is None:
            return
        page = client.get_page(page.next_url)


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
    if newest is None:
        # every open one, then the window's changes (its first page's ETag serves next time)
        reads = [("open", None, None), ("all", None, run.window_start())]
    else:
        reads = [("all", cursor.etag, newest)]
    keys: dict[tuple[str, int], int] | None = None
    kept_etag = cursor.etag
    for state, etag, floor in reads:
        params = {"state": state, "sort": "updated", "direction": "desc", "per_page": PER_PAGE}
        page = client.get_page(url, params, etag)
        if page.items is None:
            continue  # 304: no pull request changed
        read_at = client.server_time
        kept_etag = page.etag if state == "all" else None
        keys = store.load_issue_keys() if keys is None else keys
        for entries in newest_first(client, page, _changed_before(floor)):
            store.save_pulls([parse_pull(data, run.repo) for data in entries], keys)
            run.tick("pulls", len(entries))
        # Next time, from when this list was read: a change after it has a later stamp.
        moments = [m for m in (newest, read_at) if m is not None]
        newest = max(moments) if moments else None
    store.save_cursor(None, run.repo_id, "pulls",
                      CursorState(_stamp(newest), None, kept_etag))


def _changed_before(floor: datetime | None) -> Callable[[dict[str, Any]], bool]:
    """Whether a pull request last changed before `floor`: an earlier sync read it."""
    def before(data: dict[str, Any]) -> bool:
        updated = parse_time(data.get("updated_at"))
        return floor is not None and updated is not None and updated < floor
    return before
