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
  summary moved, and at a sweep every stored list again, conditionally; linked pull
  requests from the repository's pull request list, whose changes move no issue.
Every stage resumes where an interrupted run stopped, and so does a round over many
repositories (`roadmap.sync.many`: an organisation's list, rounds, departures counted
across repositories).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roadmap.errors import RateLimited
from roadmap.github.client import GitHubClient
from roadmap.model import RemoteRepo
from roadmap.store import Store
from roadmap.sync.comments import sync_comments
from roadmap.sync.events import sync_events, sync_sub_issues
from roadmap.sync.issues import sweep_issues, sync_departures, sync_issues
from roadmap.sync.many import (
    Round,
    count_departures,
    list_org_repos,
    org_agrees,
    round_scope,
)
from roadmap.sync.pulls import sync_pulls
from roadmap.sync.run import DEFAULT_WINDOW, Options, Progress, RepoSummary, Run

if TYPE_CHECKING:
    from datetime import datetime, timedelta

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
                full: bool, options: Options, org: str | None = None) -> list[RepoSummary]:
    """`roadmap sync` and `roadmap build`: the repositories synced through one client,
    with those of `org` (listed conditionally) after the ones named."""
    client = GitHubClient(settings.api_url, settings.token,
                          wait_for_reset=settings.wait_for_reset, wait=settings.wait)
    try:
        listed: dict[str, RemoteRepo] = {}
        if org:
            try:
                listed = {r.full_name: r for r in list_org_repos(store, client, org)}
            except RateLimited as error:
                raise SyncStopped(error, []) from None
        named = {name.lower() for name in repos}
        chosen = [*repos, *(name for name in listed if name.lower() not in named)]
        return sync_repos(store, client, chosen, label, full, settings.progress,
                          options=options, listed=listed, scope=round_scope(list(repos), org),
                          org=org)
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
               options: Options | None = None, listed: dict[str, RemoteRepo] | None = None,
               scope: str | None = None, org: str | None = None) -> list[RepoSummary]:
    """Sync each repository of the round in turn, holding the store so no other sync
    interleaves; then count the larger roadmaps' departures across repositories.

    When the budget runs out and waiting is not allowed, SyncStopped carries the
    summaries so far (the stopped repository's last); the next run of the same
    repositories (`scope`) syncs only the rest of the round, the stopped one first.
    `listed` names repositories already described (by `org`'s list), which need no
    request of their own; a whole round of them counts departures across `org`."""
    chosen = options or Options(window=window)
    summaries: list[RepoSummary] = []
    deferred: list[Run] = []
    with store.sync_lock():
        plan = Round.load(store, scope or round_scope(repos, None), repos)
        try:
            for repo in plan.pending:
                summaries.append(RepoSummary(repo))
                sync_repo(store, client, repo, label, full, progress, chosen, summaries[-1],
                          known=(listed or {}).get(repo), deferred=deferred)
                plan.done(repo)
                if progress:
                    progress("repositories", 1)
            whole_org = org if org and listed and not plan.resumed else None
            sync_departed(deferred, client, label, whole_org, list(listed or {}))
        except RateLimited as error:
            raise SyncStopped(error, summaries) from None
    return summaries


def sync_repo(store: Store, client: GitHubClient, repo: str, label: str, full: bool,
              progress: Progress | None = None, options: Options | None = None,
              summary: RepoSummary | None = None, known: RemoteRepo | None = None,
              deferred: list[Run] | None = None) -> RepoSummary:
    """One repository's stages. A larger roadmap's departures are counted at once with
    other repositories' when `deferred` collects them, else by a search of its own."""
    summary = summary or RepoSummary(repo)
    with recorded(store, client, summary, full):
        repo_id = resolve_repo(store, client, repo, full, known)
        run = Run(store, client, repo, repo_id, label, options or Options(), summary, progress)
        client.begin()
        swept = sync_issues(run)
        asked_at = client.begun_at  # the second the issues were first read in
        if not swept and deferred is not None:
            deferred.append(run)
        elif not swept:
            sync_departures(run)
        if store.load_roadmap_numbers(repo_id):  # nothing labelled: nothing else to read
            sync_details(run, asked_at, swept)
        summary.roadmap_issues = len(store.load_roadmap_numbers(repo_id, pulls=False))
        summary.labelled_pull_requests = len(store.load_roadmap_numbers(repo_id, pulls=True))
    return summary


def sync_details(run: Run, asked_at: datetime | None, swept: bool) -> None:
    """What hangs off the issues: comments, events, sub-issues (every stored list asked
    again after a sweep), linked pull requests."""
    stale = run.store.load_stale_details(run.repo_id)  # what changed: its details lag
    sync_comments(run)
    sync_events(run, stale, asked_at)
    sync_sub_issues(run, swept)
    sync_pulls(run)


def sync_departed(runs: list[Run], client: GitHubClient, label: str, org: str | None = None,
                  org_repos: list[str] | None = None) -> None:
    """The larger roadmaps' departures, counted across repositories (with `org`, whose
    repositories this round synced, first by one search across it); each repository
    whose count disagrees is swept, and what the sweep read gets its details. The
    searches' points are counted on the first of those repositories."""
    if not runs:
        return
    store = runs[0].store
    with recorded(store, client, runs[0].summary, False, count_only=True):
        agree = org is not None and org_agrees(store, client, org, label, org_repos or [])
        differ = [] if agree else count_departures(runs, client, label)
    for run in differ:
        with recorded(run.store, client, run.summary, False):
            client.begin()
            sweep_issues(run)
            sync_details(run, client.begun_at, swept=True)


_TALLIED = ("issues_seen", "new", "updated", "dropped", "comments", "requests",
            "not_modified", "core_points", "search_points")


@contextlib.contextmanager
def recorded(store: Store, client: GitHubClient, summary: RepoSummary, full: bool,
             count_only: bool = False) -> Iterator[None]:
    """Record a piece of a repository's sync as a run: its cost (the client's counters
    before and after, added to the summary) and how it ended."""
    counters = client.counters
    before = {name: getattr(summary, name) for name in _TALLIED}
    spent = (counters.requests, counters.not_modified, counters.core_points,
             counters.search_points)
    run_id = None if count_only else store.begin_run(summary.repo, full)
    outcome, message = "ok", None
    try:
        yield
    except RateLimited as error:
        outcome, message = "rate-limited", str(error)
        raise
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    except Exception as error:
        outcome, message = "failed", str(error)
        raise
    finally:
        summary.requests += counters.requests - spent[0]
        summary.not_modified += counters.not_modified - spent[1]
        summary.core_points += counters.core_points - spent[2]
        summary.search_points += counters.search_points - spent[3]
        summary.rate_limit_remaining = counters.rate_remaining
        summary.duration_s = round(time.perf_counter() - summary._started, 3)
        if outcome != "ok" or summary.outcome == "running":
            summary.outcome = outcome
        if run_id is not None:
            store.finish_run(run_id, outcome=outcome, message=message,
                             rate_limit_remaining=counters.rate_remaining,
                             **{name: getattr(summary, name) - before[name]
                                for name in _TALLIED})


def resolve_repo(store: Store, client: GitHubClient, repo: str, full: bool,
                 listed: RemoteRepo | None = None) -> int:
    """The repository's id: from the store when known, or from `listed` (an
    organisation's list described it), with no request; else from GitHub."""
    known = store.load_repo_id(repo)
    if listed is not None and (known is None or full):
        known = store.save_repo(listed)
    elif known is None or full:
        known = store.save_repo(client.fetch_repo(repo))
    if full:
        store.reset_cursors(known)
    return known
