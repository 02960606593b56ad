"""What every stage of a sync shares: its settings, its summary, and the run itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from roadmap.config import Config
from roadmap.github.client import (
    GitHubClient,
    Page,
)
from roadmap.markup import issue_count
from roadmap.store import CursorState, Store

log = logging.getLogger("roadmap.sync")

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
        held = "" if self.roadmap_issues is None else \
            f"{issue_count(self.roadmap_issues, self.labelled_pull_requests or 0)}; "
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


def stamp_of(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None



def save_stamp(run: Run, name: str) -> None:
    run.store.save_cursor(None, run.repo_id, name, CursorState(stamp_of(run.now()), None, None))



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


