"""The store: users and tokens, repositories, labels and milestones, and the helpers every
mutation uses. One lock guards it all; a mutation moves `updated_at` to the clock's now
(`_touch`), records the issue event GitHub would (`_event`), and drops the cached renderings
it makes stale.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable

from .model import Clock, Event, Gone, Issue, Label, Milestone, Repo, User
from .render import Urls

RepoRef = str | Repo


class State:
    """Users and tokens, repositories with their labels and milestones; ids and the clock."""

    def __init__(self, *, clock: Clock | None = None, html_url: str = "https://github.com") -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.urls = Urls(api="http://127.0.0.1", html=html_url.rstrip("/"))
        self.users: dict[str, User] = {}
        self.tokens: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}  # by lower-case full name
        self.repos_by_id: dict[int, Repo] = {}
        self._ids = {
            kind: itertools.count(start)
            for kind, start in [
                ("user", 1), ("repo", 1000), ("issue", 1_000_000), ("comment", 2_000_000),
                ("event", 3_000_000), ("label", 4_000_000), ("milestone", 5_000_000),
            ]
        }

    def next_id(self, kind: str) -> int:
        return next(self._ids[kind])

    def set_urls(self, urls: Urls) -> None:
        """Point rendered URLs at a (new) address; every cached rendering is dropped."""
        with self.lock:
            self.urls = urls
            for user in self.users.values():
                user.cache = None
            for repo in self.repos.values():
                repo.forget_views()
                for issue in repo.issues.values():
                    issue.cache = None
                for comment in repo.comments.values():
                    comment.cache = None

    # -- users and repositories ----------------------------------------------------------------

    def add_user(
        self, login: str, token: str | None = None, *, bot: bool = False, site_admin: bool = False
    ) -> User:
        """A user (`bot=True`: type "Bot"); `token` authenticates requests as them."""
        with self.lock:
            user = self.user(login)
            user.bot, user.site_admin, user.cache = bot or user.bot, site_admin, None
            if token is not None:
                self.tokens[token] = user
            return user

    def user(self, login: str) -> User:
        """The user with this login, created on first mention."""
        with self.lock:
            if login not in self.users:
                bot = login.endswith("[bot]")
                self.users[login] = User(login=login, id=self.next_id("user"), bot=bot)
            return self.users[login]

    def add_repo(
        self, full_name: str, *, collaborators: Iterable[str] = (), private: bool = False
    ) -> Repo:
        """A repository; its owner and `collaborators` have push access."""
        owner, name = full_name.split("/")
        with self.lock:
            repo = Repo(
                id=self.next_id("repo"), owner=self.user(owner), name=name,
                created_at=self.clock.now(), private=private, collaborators=set(collaborators),
            )
            for login in repo.collaborators:
                self.user(login)
            self.repos[full_name.lower()] = repo
            self.repos_by_id[repo.id] = repo
            return repo

    def repo(self, ref: RepoRef) -> Repo:
        if isinstance(ref, Repo):
            return ref
        return self.repos[ref.lower()]

    def create_label(
        self, repo: RepoRef, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        """A repository label (labels named on issues are created on first use)."""
        with self.lock:
            found = self.repo(repo).labels.get(name.lower())
            if found is None:
                found = Label(self.next_id("label"), name, color, description)
                self.repo(repo).labels[name.lower()] = found
            return found

    def add_milestone(
        self, repo: RepoRef, title: str, *, due_on: int | None = None, description: str = ""
    ) -> int:
        """A milestone; returns its number."""
        with self.lock:
            target = self.repo(repo)
            milestone = Milestone(
                id=self.next_id("milestone"), number=len(target.milestones) + 1, title=title,
                creator=target.owner, created_at=self.clock.now(), description=description or None,
                due_on=due_on,
            )
            target.milestones[milestone.number] = milestone
            return milestone.number

    def _milestone(self, repo: Repo, title: str) -> Milestone:
        for milestone in repo.milestones.values():
            if milestone.title == title:
                return milestone
        return repo.milestones[self.add_milestone(repo, title)]

    # -- issues --------------------------------------------------------------------------------

    def issue(self, repo: RepoRef, number: int) -> Issue:
        """The live issue or pull request `number` (KeyError once deleted or transferred)."""
        return self.repo(repo).issues[number]

    # -- helpers -------------------------------------------------------------------------------

    def _actor(self, issue: Issue, login: str | None) -> User:
        return issue.repo.owner if login is None else self.user(login)

    def _event(
        self,
        issue: Issue,
        actor: User,
        kind: str,
        *,
        timeline_only: bool = False,
        **payload: object,
    ) -> Event:
        event_id = None if timeline_only else self.next_id("event")
        event = Event(event_id, issue, actor, kind, self.clock.now(), payload, timeline_only)
        issue.timeline.append(event)
        if not timeline_only:
            issue.events.append(event)
            issue.repo.events.append(event)
        return event

    def _mention(self, source: Issue, actor: str | None = None) -> None:
        """Each issue `source`'s title or body references ("#12", "acme/other#3", a URL)
        gets one `cross-referenced` timeline event from it, as on GitHub."""
        for ref in _REFERENCE.finditer(f"{source.title}\n{source.body}"):
            name = ref.group("repo") or ref.group("url_repo") or source.repo.full_name
            number = int(ref.group("number") or ref.group("url_number"))
            target_repo = self.repos.get(name.lower())
            target = target_repo.issues.get(number) if target_repo else None
            if target is None or target is source or any(
                    getattr(e, "payload", {}).get("source") is source for e in target.timeline):
                continue
            who = source.user if actor is None else self.user(actor)
            self._event(target, who, "cross-referenced", timeline_only=True, source=source)

    def _touch(self, issue: Issue) -> None:
        """`updated_at` moves to now and every cached rendering of the issue is dropped."""
        issue.updated_at = self.clock.now()
        issue.cache = None
        issue.repo.forget_views()
        if issue.milestone is not None:  # its open/closed counts are in every member's JSON
            for other in issue.repo.issues.values():
                if other.milestone is issue.milestone:
                    other.cache = None

    def _gone(self, issue: Issue, gone: Gone) -> None:
        repo = issue.repo
        del repo.issues[issue.number]
        repo.gone[issue.number] = gone
        for comment in issue.comments:
            repo.comments.pop(comment.id, None)
        repo.events = [event for event in repo.events if event.issue is not issue]
        repo.forget_views()


_REFERENCE = re.compile(
    r"(?<![\w/#&])(?:(?P<repo>[\w.-]+/[\w.-]+)?#(?P<number>\d+)"
    r"|https?://[^\s/]+/(?P<url_repo>[\w.-]+/[\w.-]+)/(?:issues|pull)/(?P<url_number>\d+))"
)
