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

from .index import SearchIndex
from .model import Clock, Event, Gone, Issue, Label, Milestone, Repo, User
from .render import Urls

RepoRef = str | Repo
# the labels GitHub gives a new repository: (name, color, description)
DEFAULT_LABELS = [
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
]


class State:
    """Users and tokens, repositories with their labels and milestones; ids and the clock."""

    def __init__(
        self, *, clock: Clock | None = None, html_url: str = "https://github.com",
        search_lag: float = 0, search_needs_type: bool = True,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.index = SearchIndex()
        # seconds of `clock` the search index lags behind the store (0: live)
        self.search_lag = search_lag
        # whether a search without `is:issue`/`is:pr` answers 422, for users who were not
        # told otherwise (`add_user(search_needs_type=...)`) and for anonymous callers
        self.search_needs_type = search_needs_type
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
                ("commit", 1),
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
            self.index.forget_renders()

    # -- users and repositories ----------------------------------------------------------------

    def add_user(
        self, login: str, token: str | None = None, *, bot: bool = False,
        site_admin: bool = False, search_needs_type: bool | None = None,
    ) -> User:
        """A user (`bot=True`: type "Bot"); `token` authenticates requests as them.

        `search_needs_type=False` lets their searches go without `is:issue`/`is:pr` (as a
        classic token may); True refuses them with 422 (as GitHub does a GitHub App user
        token); None leaves it to the server's `search_needs_type`.
        """
        with self.lock:
            user = self.user(login)
            user.bot, user.site_admin, user.cache = bot or user.bot, site_admin, None
            if search_needs_type is not None:
                user.search_needs_type = search_needs_type
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
        self, full_name: str, *, collaborators: Iterable[str] = (), private: bool = False,
        default_labels: bool = False,
    ) -> Repo:
        """A repository; its owner and `collaborators` have push access. `default_labels`
        gives it the nine labels GitHub gives a new repository."""
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
            for name, color, description in DEFAULT_LABELS if default_labels else ():
                self.create_label(repo, name, color, description).default = True
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
                found = Label(self.next_id("label"), name, color, description,
                              updated_at=self.clock.now())
                self.repo(repo).labels[name.lower()] = found
            return found

    def update_label(
        self, repo: RepoRef, name: str, *, new_name: str | None = None,
        color: str | None = None, description: str | None = None,
    ) -> Label:
        """Rename or recolour a label; every issue that carries it renders anew."""
        with self.lock:
            target = self.repo(repo)
            found = target.labels.pop(name.lower())
            found.name = new_name or found.name
            found.color = color or found.color
            found.description = found.description if description is None else description
            found.updated_at = self.clock.now()
            target.labels[found.name.lower()] = found
            self._relabelled(target, found)
            return found

    def delete_label(self, repo: RepoRef, name: str) -> None:
        """Delete a label; it leaves every issue that carried it."""
        with self.lock:
            target = self.repo(repo)
            found = target.labels.pop(name.lower())
            self._relabelled(target, found)
            for issue in target.issues.values():
                if found in issue.labels:
                    issue.labels.remove(found)

    def _relabelled(self, repo: Repo, label: Label) -> None:
        for issue in repo.issues.values():
            if label in issue.labels:
                issue.cache = None
        repo.forget_views()

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
        actor: User | None,
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
        self._rendered_anew(issue)
        if issue.milestone is not None:  # its open/closed counts are in every member's JSON
            for other in issue.repo.issues.values():
                if other.milestone is issue.milestone:
                    other.cache = None

    def _rendered_anew(self, issue: Issue) -> None:
        """The issue's JSON changed (with or without `updated_at`): drop its cached
        renderings and listings, and index its new form for search."""
        issue.cache = None
        issue.repo.forget_views()
        self.index.record(issue, self.clock.now())
        if issue.parent is not None:
            # a sub-issue's state is in its parent's summary (its `updated_at` stays)
            issue.parent.cache = None
            issue.parent.repo.forget_views()
            self.index.record(issue.parent, self.clock.now())

    def _gone(self, issue: Issue, gone: Gone) -> None:
        repo = issue.repo
        self.index.record(issue, self.clock.now(), gone=True)
        if gone.moved_to is None:  # deleted: it leaves its parent, its children lose theirs
            for child in issue.children:
                child.parent = None
                self._rendered_anew(child)
            issue.children = []
            parent, issue.parent = issue.parent, None
            if parent is not None:
                parent.children.remove(issue)
                self._rendered_anew(parent)
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
