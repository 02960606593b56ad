"""A request as the endpoints see it, and the lookups they share (repo, issue)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from .hierarchy import Hierarchy
from .limits import RateLimits
from .model import Issue, Repo, User
from .render import Urls
from .reply import DOCS, Answer, Pager, error, not_found, reply


@dataclass(slots=True)
class Call:
    """One request that passed authentication and the rate limit."""

    state: Hierarchy
    limits: RateLimits
    method: str
    path: str
    pairs: list[tuple[str, str]]
    body: bytes
    user: User | None
    token: str | None
    omit_last_link: bool

    @property
    def params(self) -> dict[str, str]:
        return dict(self.pairs)

    @property
    def urls(self) -> Urls:
        return self.state.urls

    def pager(self, link_path: str) -> Pager:
        return Pager(self.urls.api, link_path, self.pairs, self.omit_last_link)

    def json(self) -> dict[str, object]:
        try:
            value = json.loads(self.body or b"{}")
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise error(400, "Problems parsing JSON")
        return value

    def writer(self) -> User:
        """The authenticated user; 401 for anonymous callers."""
        if self.user is None:
            raise error(401, "Requires authentication")
        return self.user

    def repo(self, full_name: str | None, repo_id: str | None) -> Repo:
        """The repo by name or id; 404 when unknown, or private and not ours."""
        state = self.state
        found = (
            state.repos.get(full_name.lower())
            if full_name
            else state.repos_by_id.get(int(repo_id or 0))
        )
        if found is None or (found.private and not self._member(found)):
            raise not_found()
        return found

    def member(self, repo: Repo) -> bool:
        """Whether the caller has push access (sees the repository when private)."""
        return self._member(repo)

    def _member(self, repo: Repo) -> bool:
        return self.user is not None and repo.can_push(self.user.login)

    def issue(self, repo: Repo, number: str, suffix: str = "") -> Issue:
        """The live issue; a transferred one answers 301 to its new URL, a deleted one 410."""
        issue = repo.issues.get(int(number))
        if issue is not None:
            return issue
        gone = repo.gone.get(int(number))
        if gone is None:
            raise not_found()
        if gone.moved_to is None:
            raise error(410, "This issue was deleted", f"{DOCS}/issues/issues#get-an-issue")
        moved = gone.moved_to
        location = f"{self.urls.api}/repositories/{moved.repo.id}/issues/{moved.number}{suffix}"
        if self.pairs:
            location += "?" + urlencode(self.pairs)
        body = {"message": "Moved Permanently", "url": location, "documentation_url": DOCS}
        raise Answer(reply(301, body, Location=location))
