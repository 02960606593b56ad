"""Sync: the issues labelled `roadmap` from GitHub into the store, incrementally.

A pipeline of named stages per repository, each designed from what GitHub's lists can
and cannot tell, and each free when nothing changed (a conditional request answered
304 costs no rate limit; GitHub's search answers carry no ETag, so search is used only
where nothing else answers):

- the issue list: a small roadmap (up to `SWEEP_PAGES` pages) is swept every time,
  each page conditional, which sees everything including what moves no `updated_at`
  (a sub-issue added, removed or closing) and every issue that left; a larger one is
  probed (its newest-changed page, conditional) and swept once every `sweep_hours`;
- departures of a larger roadmap: one search counts the labelled issues (1 point of the
  search budget); only when the count differs from the store's is the list swept;
- comments: the repository's newest-changed comments, conditional, down to the last
  read, and an issue's whole list where its count says some are missing;
- events (assignment, labels) of the issues that changed; sub-issues of the issues whose
  summary moved; linked pull requests from the repository's pull request list, whose
  changes move no issue.
Every stage resumes where an interrupted run stopped.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from roadmap.config import Config
from roadmap.errors import RateLimited
from roadmap.github.client import (
    GitHubClient,
    Page,
    parse_comment,
    parse_issue,
    parse_pull,
    parse_repo_event,
    parse_timeline,
)
from roadmap.model import RemoteComment, RemoteIssue, RemoteRepo, parse_time
from roadmap.store import CursorState, StaleIssue, Store

if TYPE_CHECKING:
    from roadmap.github.export import Export

log = logging.getLogger(__name__)

PER_PAGE = 100
#: Up to this many issues' comments (or new issues' timelines) are fetched one issue at a
#: time; beyond, the repository-wide list (one call per 100 of any issue) is cheaper.
PER_ISSUE_LIMIT = 10
#: A first sync reads events and closed pull requests this far back: older ones change
#: no claim (a claim with no activity for `claim_expiry_days` is stale whatever its age).
DEFAULT_WINDOW = timedelta(days=30)
#: A roadmap of at most this many pages of issues is swept at every sync: it costs at most
#: this many points, none when nothing changed, and sees everything.
SWEEP_PAGES = 5
#: A larger roadmap is swept this often (and whenever its search count disagrees).
DEFAULT_SWEEP_EVERY = timedelta(hours=24)

Progress = Callable[[str, int], None]


def plural(count: int, noun: str) -> str:
    """`1 roadmap issue`, `2 roadmap issues`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
    core_points: int = 0
    search_points: int = 0
    rate_limit_remaining: int | None = None
    duration_s: float = 0.0
    #: "ok", or how it ended early ("rate-limited", "failed", "interrupted").
    outcome: str = "running"
    #: What the store holds after it: issues with the label (the one count of "roadmap
    #: issues" every command gives), and pull requests with the label, counted apart.
    roadmap_issues: int | None = None
    labelled_pull_requests: int | None = None
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_started")
        return data

    def line(self) -> str:
        """One line: what the store holds now, what changed and what it cost."""
        left = "" if self.rate_limit_remaining is None else \
            f"; {self.rate_limit_remaining} left in the rate limit"
        held = "" if self.roadmap_issues is None else (
            f"{plural(self.roadmap_issues, 'roadmap issue')} and "
            f"{plural(self.labelled_pull_requests or 0, 'labelled pull request')}; ")
        return (f"{self.repo}: {held}{self.issues_seen} read ({self.new} new, {self.updated} "
                f"updated, {self.dropped} dropped), {self.comments} comments; {self.requests} "
                f"requests, {self.not_modified} not modified, {self.core_points} core and "
                f"{self.search_points} search points{left}; {self.duration_s:.1f}s")


@dataclass(slots=True, frozen=True)
class Options:
    """How a sync reads: its window for first reads, and when it sweeps the issue list."""

    window: timedelta = DEFAULT_WINDOW
    sweep_every: timedelta = DEFAULT_SWEEP_EVERY
    sweep_pages: int = SWEEP_PAGES

    @classmethod
    def of(cls, config: Config) -> Options:
        return cls(window=config.sync_window, sweep_every=timedelta(hours=config.sweep_hours))


@dataclass(slots=True, frozen=True)
class Run:
    """One repository's sync: what every stage needs."""

    store: Store
    client: GitHubClient
    repo: str
    repo_id: int
    label: str
    options: Options
    summary: RepoSummary
    progress: Progress | None

    def tick(self, stage: str, count: int) -> None:
        if self.progress:
            self.progress(stage, count)

    def now(self) -> datetime:
        """Now by GitHub's clock (the machine's may be wrong)."""
        return self.client.server_time or datetime.now(UTC)

    def window_start(self) -> datetime:
        return self.now() - self.options.window


class SyncStopped(RateLimited):
    """The budget ran out mid-sync (`--no-wait`): what was done, for `--json` to print."""

    def __init__(self, cause: RateLimited, summaries: list[RepoSummary]) -> None:
        super().__init__(str(cause))
        self.summaries = summaries


@dataclass(slots=True)
class SyncSettings:
    """How to reach GitHub; `progress` and `wait` show a long sync on a terminal."""

    token: str | None
    api_url: str
    wait: Callable[[float, str], None] | None = None
    progress: Progress | None = None
    #: Wait for the rate limit's reset (else stop with SyncStopped).
    wait_for_reset: bool = True


def sync_github(store: Store, settings: SyncSettings, repos: list[str], label: str,
                full: bool, options: Options) -> list[RepoSummary]:
    """`roadmap sync` and `roadmap build`: the repositories synced through one client."""
    client = GitHubClient(settings.api_url, settings.token,
                          wait_for_reset=settings.wait_for_reset, wait=settings.wait)
    try:
        return sync_repos(store, client, repos, label, full, settings.progress, options=options)
    finally:
        client.close()


@dataclass(slots=True, frozen=True)
class Imported:
    """What `roadmap import` loaded."""

    repo: str
    issues: int
    comments: int


def save_export(store: Store, export: Export, label: str) -> Imported:
    """`roadmap import` and `roadmap build --import`: a `gh issue list --json` export
    (`roadmap.github.export.read_export`) into the store, as a sync would save it."""
    repo_id = store.save_repo(RemoteRepo(0, export.repo, f"https://github.com/{export.repo}"))
    store.save_issue_page(repo_id, export.issues, label, None)
    saved = store.save_comments(repo_id, export.comments, None)
    return Imported(export.repo, len(export.issues), saved)


def sync_repos(store: Store, client: GitHubClient, repos: list[str], label: str,
               full: bool = False, progress: Progress | None = None,
               window: timedelta = DEFAULT_WINDOW,
               options: Options | None = None) -> list[RepoSummary]:
    """Sync each repository in turn, holding the store so no other sync interleaves.

    When the budget runs out and waiting is not allowed, SyncStopped carries the
    summaries so far (the stopped repository's last); a second run resumes there."""
    chosen = options or Options(window=window)
    summaries: list[RepoSummary] = []
    with store.sync_lock():
        for repo in repos:
            summaries.append(RepoSummary(repo))
            try:
                sync_repo(store, client, repo, label, full, progress, chosen, summaries[-1])
            except RateLimited as error:
                raise SyncStopped(error, summaries) from None
    return summaries


def sync_repo(store: Store, client: GitHubClient, repo: str, label: str, full: bool,
              progress: Progress | None = None, options: Options | None = None,
              summary: RepoSummary | None = None) -> RepoSummary:
    summary = summary or RepoSummary(repo)
    counters = client.counters
    before = (counters.requests, counters.not_modified, counters.core_points,
              counters.search_points)
    run_id = store.begin_run(repo, full)
    message = None
    try:
        repo_id = resolve_repo(store, client, repo, full)
        run = Run(store, client, repo, repo_id, label, options or Options(), summary, progress)
        client.begin()
        swept = sync_issues(run)
        asked_at = client.begun_at  # the second the issues were first read in
        if not swept:
            sync_departures(run)
        stale = store.load_stale_details(repo_id)  # what changed: its details lag
        sync_comments(run)
        sync_events(run, stale, asked_at)
        sync_sub_issues(run)
        sync_pulls(run)
        summary.roadmap_issues = len(store.load_roadmap_numbers(repo_id, pulls=False))
        summary.labelled_pull_requests = len(store.load_roadmap_numbers(repo_id, pulls=True))
        summary.outcome = "ok"
    except RateLimited as error:
        summary.outcome, message = "rate-limited", str(error)
        raise
    except KeyboardInterrupt:
        summary.outcome = "interrupted"
        raise
    except Exception as error:
        summary.outcome, message = "failed", str(error)
        raise
    finally:
        summary.requests = counters.requests - before[0]
        summary.not_modified = counters.not_modified - before[1]
        summary.core_points = counters.core_points - before[2]
        summary.search_points = counters.search_points - before[3]
        summary.rate_limit_remaining = counters.rate_remaining
        summary.duration_s = round(time.perf_counter() - summary._started, 3)
        store.finish_run(run_id, outcome=summary.outcome, message=message, **{
            k: v for k, v in summary.to_dict().items()
            if k not in ("repo", "duration_s", "outcome", "roadmap_issues",
                         "labelled_pull_requests")})
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


def sync_issues(run: Run) -> bool:
    """Read what changed in the labelled issue list; whether it was swept whole.

    A small roadmap is swept, and so is a first sync's. A larger one is probed (its
    newest-changed page, which sees every change that moves `updated_at`), then swept
    too when its sweep is due by GitHub's clock, which the probe's answer tells. A first
    sync of a larger roadmap probes once after its sweep, for the ETag that makes the
    next probe free when nothing changed.
    """
    first = run.store.load_cursor(run.repo_id, "issues").position is None
    if first or small(run):
        sweep_issues(run)
        if first and not small(run):
            probe_issues(run, prime=True)
        return True
    probe_issues(run)
    if sweep_due(run):
        sweep_issues(run)
        return True
    return False


def small(run: Run) -> bool:
    labelled = len(run.store.load_roadmap_numbers(run.repo_id))
    return labelled <= run.options.sweep_pages * PER_PAGE


def sweep_due(run: Run) -> bool:
    """Whether a larger roadmap's last sweep is `sweep_every` old."""
    swept = parse_time(run.store.load_cursor(run.repo_id, "swept").position)
    return swept is None or run.now() - swept >= run.options.sweep_every


def probe_issues(run: Run, prime: bool = False) -> None:
    """The labelled issues, newest change first, one page, conditional.

    Any change that moves an issue's `updated_at` brings it to this page, and so does
    an issue gaining the label; a change to one of these hundred issues that moves
    none (a sub-issue added) changes the page too. When every issue on it changed
    since the cursor, more may have: the rest is read in keyset pages. With `prime`
    (right after a first read) it keeps the ETag, and what changed meanwhile.
    """
    store, client = run.store, run.client
    probe = store.load_cursor(run.repo_id, "issues-probe")
    params = {**_list_params(run.label, None), "direction": "desc"}
    page = client.get_page(f"/repos/{run.repo}/issues", params, probe.etag)
    if page.items is None:
        return  # 304: no labelled issue changed
    since = store.load_cursor(run.repo_id, "issues").position
    issues = [parse_issue(data) for data in page.items]
    floor = parse_time(since)
    changed = [i for i in issues if floor is None or i.updated_at > floor
               or (i.updated_at == floor and not prime)]
    keep = ("issues-probe", CursorState(None, None, page.etag))
    if len(changed) == len(issues) and page.next_url is not None and since is not None:
        read_issue_pages(run, since)  # more than a page changed: keyset from the cursor
        store.save_cursor(None, run.repo_id, *keep)
        return
    newest = _stamp(max((i.updated_at for i in changed), default=None))
    save_issues(run, issues, None, seen=len(changed))
    store.save_cursor(None, run.repo_id, "issues", CursorState(max(
        [p for p in (since, newest) if p is not None], default=None), None, None))
    store.save_cursor(None, run.repo_id, *keep)


def read_issue_pages(run: Run, since: str | None) -> None:
    """Keyset pages of `sort=updated&direction=asc&since=<cursor>`, each committed.

    Offset pages shift while they are read; asking again from the newest
    `updated_at` seen cannot skip an issue. When a whole page shares one
    timestamp, the `next` link moves past it.
    """
    url = f"/repos/{run.repo}/issues"
    next_url: str | None = None
    while True:
        page = (run.client.get_page(next_url) if next_url
                else run.client.get_page(url, _list_params(run.label, since)))
        issues = [parse_issue(data) for data in page.items or []]
        newest = _stamp(max((i.updated_at for i in issues), default=None)) or since
        save_issues(run, issues, ("issues", CursorState(newest, None, None)))
        if page.next_url is None:
            return  # the whole answer was this page (a full one too: asking again would loop)
        next_url = page.next_url if newest == since else None
        since = newest


def save_issues(run: Run, issues: list[RemoteIssue], cursor: tuple[str, CursorState] | None,
                seen: int | None = None) -> None:
    """Save a page of issues; `seen` of them count as seen (all, unless told)."""
    summary = run.summary
    new, updated, dropped = run.store.save_issue_page(run.repo_id, issues, run.label, cursor)
    summary.issues_seen += len(issues) if seen is None else seen
    summary.new, summary.updated = summary.new + new, summary.updated + updated
    summary.dropped += dropped
    run.tick("issues", len(issues))


def _list_params(label: str, since: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"labels": label, "state": "all", "sort": "updated",
                              "direction": "asc", "per_page": PER_PAGE}
    if since:
        params["since"] = since
    return params


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def save_stamp(run: Run, name: str) -> None:
    run.store.save_cursor(None, run.repo_id, name, CursorState(_stamp(run.now()), None, None))


# -- the sweep and departures ---------------------------------------------------------------


def sweep_issues(run: Run) -> None:
    """Every page of the labelled list in creation order, each conditional.

    Creation order keeps pages where they were, so a page nobody touched answers 304
    (free, and it holds the numbers it held). A page that changed is read and saved,
    whatever changed on it, `updated_at` or not. Issues the store has and no page
    lists left the label's view: each is looked at (unlabelled, deleted, transferred).
    Each page commits with its own ETag, so an interrupted sweep resumes at no cost.
    (An issue leaving while the pages are read shifts the next one back a place, so
    one issue may be passed over; the shift changes that page, and the next sweep
    reads it.)
    """
    store, client = run.store, run.client
    listed: set[int] = set()
    newest = store.load_cursor(run.repo_id, "issues").position
    number = 1
    while True:
        name = f"sweep:{number}"
        kept = store.load_cursor(run.repo_id, name)
        params = {"labels": run.label, "state": "all", "sort": "created",
                  "direction": "asc", "per_page": PER_PAGE, "page": number}
        page = client.get_page(f"/repos/{run.repo}/issues", params, kept.etag)
        if page.items is None:  # 304: the numbers it held last time
            numbers = [int(n) for n in json.loads(kept.url or "[]")]
        else:
            issues = [parse_issue(data) for data in page.items]
            numbers = [i.number for i in issues]
            save_issues(run, issues, (name, CursorState(None, json.dumps(numbers), page.etag)))
            stamps = [stamp for i in issues if (stamp := _stamp(i.updated_at))]
            newest = max([*stamps, *([newest] if newest else [])], default=None)
        listed.update(numbers)
        if len(numbers) < PER_PAGE:
            break
        number += 1
    store.drop_cursors(run.repo_id, "sweep:", number)
    if newest is not None:
        store.save_cursor(None, run.repo_id, "issues", CursorState(newest, None, None))
    run.summary.dropped += look_at_missing(run, store.load_roadmap_numbers(run.repo_id) - listed)
    save_stamp(run, "swept")


def sync_departures(run: Run) -> None:
    """Notice issues that left the label's view (unlabelled, deleted, transferred),
    which the probe cannot show: one search counts the labelled issues, and only
    when that differs from the store's count is the list swept.

    GitHub's search index lags behind changes: a count taken in the lag may miss a
    departure (the next sync sees it) or disagree for an issue that just joined (the
    sweep finds nothing missing, at the cost of its changed pages).
    """
    query = f'repo:{run.repo} label:"{run.label}" is:issue'
    counted = run.client.fetch_search_count(query, run.repo)
    if counted != len(run.store.load_roadmap_numbers(run.repo_id, pulls=False)):
        sweep_issues(run)


def look_at_missing(run: Run, numbers: set[int]) -> int:
    """Ask GitHub about each issue the store has but the labelled list lacks; how many
    left the roadmap (a relabelled one is saved and stays)."""
    store, client, repo = run.store, run.client, run.repo
    dropped = 0
    for number in sorted(numbers):
        fate, detail = client.fetch_issue(repo, number)
        if fate == "ok" and isinstance(detail, RemoteIssue):
            store.save_issue_page(run.repo_id, [detail], run.label, None)
            if run.label.lower() in (name.lower() for name in detail.labels):
                continue  # relabelled meanwhile: it was saved above
        else:
            store.mark_gone(run.repo_id, number, fate, detail if isinstance(detail, str) else None)
        dropped += 1
    return dropped


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
        run.summary.comments += read_comment_pages(run, None)
        probe_comments(run, prime=True)
    else:
        probe_comments(run)
    differ = [row for row in run.store.load_stale_details(run.repo_id)
              if row.comments != row.stored_comments]
    run.summary.comments += sync_issue_comments(run, differ)


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
        newest = _stamp(max((c.updated_at for c in changed), default=None))
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
        page = (client.get_page(next_url) if next_url
                else client.get_page(f"/repos/{run.repo}/issues/comments", params))
        comments = [c for data in page.items or [] if (c := parse_comment(data))]
        # With no comment yet, from when the list was read: a later one is stamped later.
        newest = (_stamp(max((c.updated_at for c in comments), default=None)) or since
                  or _stamp(client.begun_at))
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


# -- sub-issues -----------------------------------------------------------------------------


def sync_sub_issues(run: Run) -> None:
    """The sub-issues of every roadmap issue whose summary moved from the stored list's.

    Adding or removing a sub-issue, or a sub-issue closing, moves no `updated_at` on
    either side, but every issue answer carries `sub_issues_summary`: the issue list
    stages have saved it, and a list is read (one call: at most 100 sub-issues) only
    where it no longer matches what the stored sub-issues stand for.
    """
    store, client = run.store, run.client
    for issue_id, number, summary in store.load_sub_issue_work(run.repo_id):
        children = client.fetch_sub_issues(run.repo, number) if summary else []
        store.save_sub_issues(issue_id, children, summary)
        run.tick("sub-issues", len(children))


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
    labelled = store.load_roadmap_numbers(run.repo_id, pulls=True)
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
            unlabel_pulls(run, labelled, entries)
            run.tick("pulls", len(entries))
        # Next time, from when this list was read: a change after it has a later stamp.
        moments = [m for m in (newest, read_at) if m is not None]
        newest = max(moments) if moments else None
    store.save_cursor(None, run.repo_id, "pulls",
                      CursorState(_stamp(newest), None, kept_etag))


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
