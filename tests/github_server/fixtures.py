"""pytest glue: a fixture factory for the server and a PyGithub client helper.

In a conftest or test module (the variable's name does not matter, `name` does):

    from tests.github_server.fixtures import github_server_fixture, seed_acme
    github_server = github_server_fixture(setup=seed_acme)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal

import github
import pytest

from .server import GitHubServer

Scope = Literal["session", "package", "module", "class", "function"]


def seed_acme(server: GitHubServer) -> None:
    """alice (token `tok-alice`, push access) and bob (`tok-bob`, none) on `acme/widgets`."""
    server.add_user("alice", token="tok-alice")
    server.add_user("bob", token="tok-bob")
    server.add_repo("acme/widgets", collaborators={"alice"})


def github_server_fixture(
    name: str = "github_server",
    *,
    scope: Scope = "function",
    setup: Callable[[GitHubServer], object] | None = None,
    **options: Any,
) -> Any:
    """A pytest fixture `name` yielding a running `GitHubServer(**options)`, after `setup`."""

    @pytest.fixture(name=name, scope=scope)
    def serve() -> Iterator[GitHubServer]:
        with GitHubServer(**options) as server:
            if setup is not None:
                setup(server)
            yield server

    return serve


def client(server: GitHubServer, token: str | None = "tok-alice", **options: Any) -> github.Github:
    """A PyGithub client for the server: no pacing, no retries, 100 per page, unless told.

    Close it (or use `with`): its pooled sockets would otherwise warn when collected.
    """
    settings: dict[str, Any] = {
        "retry": None, "seconds_between_requests": 0, "seconds_between_writes": 0, "per_page": 100,
    }
    settings.update(options)
    auth = None if token is None else github.Auth.Token(token)
    return github.Github(auth=auth, base_url=server.url, **settings)
