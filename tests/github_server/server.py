"""`GitHubServer`: the state and its mutations, served over HTTP on loopback."""

from __future__ import annotations

import threading
from types import TracebackType

from . import render
from .faults import Faults
from .handler import Httpd
from .hierarchy import Hierarchy
from .limits import Budget, RateLimits
from .log import RequestLog
from .model import Clock
from .render import Urls


class GitHubServer(Hierarchy):
    """A stateful GitHub REST test server for the real PyGithub client.

        with GitHubServer() as server:
            server.add_user("alice", token="tok-alice")
            server.add_repo("acme/widgets", collaborators={"alice"})
            gh = github.Github(auth=github.Auth.Token("tok-alice"), base_url=server.url)

    `search_lag`: seconds of `clock` the search index lags behind (settable later);
    `search_needs_type`: whether a search without `is:issue`/`is:pr` answers 422 for
    users not told otherwise (`add_user(search_needs_type=...)`) and anonymous callers,
    as GitHub does for some tokens.
    """

    def __init__(
        self,
        *,
        limit: int = 5000,
        anonymous_limit: int = 60,
        search_limit: int = 30,
        anonymous_search_limit: int = 10,
        html_url: str = "https://github.com",
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        search_lag: float = 0,
        search_needs_type: bool = True,
    ) -> None:
        super().__init__(clock=clock, html_url=html_url, search_lag=search_lag,
                         search_needs_type=search_needs_type)
        self.faults = Faults()
        self.log = RequestLog()
        self.limits = RateLimits(limit, anonymous_limit, search_limit, anonymous_search_limit)
        self.omit_last_link = False  # True: no rel="last" in Link headers (GitHub may omit it)
        self.host = host
        self._httpd: Httpd | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give PyGithub, e.g. `http://127.0.0.1:54321`."""
        if self._httpd is None:
            raise RuntimeError("the server is not running: use `with GitHubServer() as server:`")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> GitHubServer:
        if self._httpd is not None:
            raise RuntimeError("already running")
        self._httpd = Httpd((self.host, 0), self)
        self.set_urls(Urls(api=self.url, html=self.urls.html))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
            name=f"github-server-{self._httpd.server_address[1]}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end idle kept-alive connections, and wait for every handler thread
        (a request under way is answered first)."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.shutdown()
        httpd.hang_up_idle()
        httpd.server_close()
        thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> GitHubServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def warm(self) -> None:
        """Render every issue and comment now, so a benchmark times the client, not this."""
        with self.lock:
            for repo in self.repos.values():
                for issue in repo.issues.values():
                    render.issue_bytes(self.urls, issue)
                for comment in repo.comments.values():
                    render.comment_bytes(self.urls, comment)

    def set_rate_limit(
        self, token: str | None, *, remaining: int | None = None, reset_in: float | None = None,
        limit: int | None = None, resource: str = "core",
    ) -> Budget:
        """Force the budget of `token` (None: anonymous callers) for `resource`."""
        return self.limits.set(
            token, remaining=remaining, reset_in=reset_in, limit=limit, resource=resource
        )

    def rate_limit(self, token: str | None, resource: str = "core") -> Budget:
        """The live budget of `token` (None: anonymous callers)."""
        return self.limits.budget(token, resource)

    def points(self, token: str | None) -> dict[str, int]:
        """`{"core": n, "search": m}`: the points `token` (None: anonymous callers) spent
        since start or `reset_points()`, however the budgets were reset or forced meanwhile.
        A 304 and `/rate_limit` cost nothing."""
        return self.limits.points(token)

    def reset_points(self) -> None:
        """Start the points books afresh, for every token."""
        self.limits.reset_points()
