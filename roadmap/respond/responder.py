"""What every answer works with (the store, GitHub, the settings and the roadmap's items),
what it did, and keeping the store current with what GitHub said."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from roadmap.config import Config
from roadmap.errors import GitHubError
from roadmap.github.client import GitHubClient
from roadmap.model import Item, RemoteComment, RemoteEvent, RemoteIssue, RemotePull, RemoteRepo
from roadmap.parse.comments import Patterns
from roadmap.respond.trigger import Trigger
from roadmap.store import Store


@dataclass(slots=True)
class Outcome:
    """What `respond` did with one event (or, with --dry-run, would do)."""

    ref: str | None
    kind: str
    message: str
    calls: list[str] = field(default_factory=list)
    #: The answer written on GitHub, as it reads there, and its URL.
    body: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Responder:
    """Everything an answer needs: the store, GitHub, the settings and the roadmap."""

    store: Store
    client: GitHubClient
    config: Config
    patterns: Patterns
    items: list[Item] = field(default_factory=list)
    dry_run: bool = False
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    #: The login answers are written as; None until asked, "" when GitHub will not say
    #: (an Actions token), where the bot check and the marker are enough.
    me: str | None = None

    def own_login(self) -> str:
        if self.me is None:
            try:
                self.me = self.client.fetch_login()
            except GitHubError:
                self.me = ""
        return self.me


def build_responder(store: Store, client: GitHubClient, config: Config,
                    dry_run: bool = False) -> Responder:
    """A responder for the configured roadmap (its items, when the file is there)."""
    from roadmap.parse import parse_configured
    from roadmap.track.overview import patterns_of

    items = parse_configured(config).items if config.roadmap.is_file() else []
    return Responder(store, client, config, patterns_of(config), items, dry_run)


# -- keeping the store current -----------------------------------------------------------------


def keep_issue(responder: Responder, repo: str, issue: RemoteIssue,
               comments: list[RemoteComment] | None = None,
               parts: tuple[RemoteIssue, list[RemoteComment], list[RemoteEvent],
                            list[RemotePull]] | None = None) -> None:
    """Put what GitHub said of an issue into the store at once (the next sync confirms
    it); with `parts` (the whole live issue), its events and pull requests too."""
    store = responder.store
    repo_id = store.load_repo_id(repo, synced=False)
    if repo_id is None:
        repo_id = store.save_repo(RemoteRepo(0, repo, f"https://github.com/{repo}"))
    store.save_issue_page(repo_id, [issue], responder.config.label, None)
    if comments:
        store.save_comments(repo_id, comments, None)
    if parts is not None:
        issue_id = store.load_issue_ids(repo_id).get(issue.number)
        if issue_id is not None:
            # As of the issue before the answer: the next sync reads what the answer changed.
            store.save_details(issue_id, parts[0].updated_at, parts[2], parts[3])


def keep_gone(responder: Responder, repo: str, number: int, action: str) -> None:
    """An issue deleted or transferred leaves the roadmap; its history stays."""
    repo_id = responder.store.load_repo_id(repo, synced=False)
    if repo_id is not None:
        responder.store.mark_gone(repo_id, number, action, None)


def keep_pull(responder: Responder, trigger: Trigger) -> Outcome:
    """A pull request's links to roadmap issues, as its text has them now."""
    assert trigger.pull is not None
    pull, refs = trigger.pull
    ref = f"{pull.repo}#{pull.number}"
    if not responder.dry_run:
        responder.store.save_pulls([trigger.pull], responder.store.load_issue_keys())
    linked = ", ".join(f"{repo}#{number}" for repo, number in sorted(refs)) or "no issue"
    return Outcome(ref, "kept", f"{ref}: pull request {trigger.action}; links {linked}")
