"""Helpers for sync tests: a client for the test server, a sync call, a store snapshot."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from roadmap.github.client import GitHubClient
from roadmap.store import Store
from roadmap.sync import DEFAULT_WINDOW, Options, RepoSummary, sync_repos

from .github_server import GitHubServer

REPO = "acme/widgets"
TOKEN = "tok-alice"


def make_client(server: GitHubServer, token: str | None = TOKEN, **options: Any) -> GitHubClient:
    """Our client for the server: no backoff, and waits capped so tests stay quick."""
    options.setdefault("backoff", 0)
    options.setdefault("wait", lambda seconds, _reason: time.sleep(min(seconds, 2.0)))
    return GitHubClient(server.url, token, **options)


def sync(server: GitHubServer, store: Store, *, full: bool = False, label: str = "roadmap",
         repos: tuple[str, ...] = (REPO,), window: timedelta = DEFAULT_WINDOW,
         large: bool = False, **options: Any) -> list[RepoSummary]:
    """Sync with our client; `large` syncs as a roadmap of more than 500 issues does."""
    client = make_client(server, **options)
    chosen = Options(window=window, sweep_pages=0) if large else Options(window=window)
    try:
        return sync_repos(store, client, list(repos), label, full, options=chosen)
    finally:
        client.close()


_SNAPSHOT = {
    "issues": "SELECT r.full_name, i.number, i.title, i.body, i.state, i.state_reason, "
              "i.is_pull_request, i.author, i.labels, i.assignees, i.milestone, i.comments, "
              "i.html_url, i.created_at, i.updated_at, i.closed_at "
              "FROM issues i JOIN repositories r ON r.id = i.repo_id "
              "WHERE i.on_roadmap ORDER BY r.full_name, i.number",
    "comments": "SELECT r.full_name, i.number, c.id, c.author, c.body, c.updated_at "
                "FROM comments c JOIN issues i ON i.id = c.issue_id "
                "JOIN repositories r ON r.id = i.repo_id WHERE i.on_roadmap ORDER BY c.id",
    "events": "SELECT i.number, e.id, e.event, e.actor, e.subject FROM events e "
              "JOIN issues i ON i.id = e.issue_id WHERE i.on_roadmap AND i.state = 'open' "
              "ORDER BY e.id",
    "pulls": "SELECT i.number, p.pr_url, p.kind, p.state FROM pull_links p "
             "JOIN issues i ON i.id = p.issue_id WHERE i.on_roadmap AND i.state = 'open' "
             "ORDER BY i.number, p.pr_url",
    "sub_issues": "SELECT i.number, i.sub_total, i.sub_completed, i.sub_percent, "
                  "i.parent_url, s.repo, s.number, s.title, s.state FROM issues i "
                  "LEFT JOIN sub_issues s ON s.issue_id = i.id WHERE i.on_roadmap "
                  "ORDER BY i.number, s.position",
}


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """What the store knows of the roadmap, comparable between two stores."""
    with store.engine.connect() as connection:
        return {name: [tuple(_plain(v) for v in row) for row in connection.execute(text(sql))]
                for name, sql in _SNAPSHOT.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, str) and value[:1] == "[":
        return value.replace(" ", "")  # SQLite keeps JSON as text
    if hasattr(value, "isoformat"):
        return value.isoformat()[:19]
    return value


def command_env(server: GitHubServer, monkeypatch: Any, folder: Any) -> None:
    """Commands run in `folder` talk to `server` with alice's token (no other token)."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("ROADMAP_DATABASE_URL", raising=False)
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    monkeypatch.chdir(folder)


def project_env(server: GitHubServer, monkeypatch: Any, folder: Any) -> None:
    """A project folder whose commands talk to `server` as alice, with `repos` configured.

    The server's clock starts in 2025; it is set to now so claims made now are not stale.
    """
    from datetime import UTC, datetime

    server.clock.set(datetime.now(UTC))
    command_env(server, monkeypatch, folder)
    (folder / "roadmap.toml").write_text('repos = ["acme/widgets"]\n', encoding="utf-8")
