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

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roadmap.errors import RateLimited
from roadmap.github.client import GitHubClient
from roadmap.model import RemoteRepo
from roadmap.store import Store
from roadmap.sync.comments import sync_comments
from roadmap.sync.events import sync_events, sync_sub_issues
from roadmap.sync.issues import sync_departures, sync_issues
from roadmap.sync.pulls import sync_pulls
from roadmap.sync.run import DEFAULT_WINDOW, Options, Progress, RepoSummary, Run

if TYPE_CHECKING:
    from datetime import timedelta

    from roadmap.github.export import Export

__all__ = ["DEFAULT_WINDOW", "Imported", "Options", "RepoSummary", "SyncSettings", "SyncStopped",
           "save_export", "sync_github", "sync_repo", "sync_repos"]


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
