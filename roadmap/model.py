"""Plain values handed from stage to stage.

Every stage takes and returns these dataclasses; PyGithub and SQLAlchemy objects
never leave their own modules. `to_dict` gives the documented JSON shape.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from roadmap.errors import InputError

#: A GitHub login: letters, digits and single inner hyphens, at most 39 characters.
LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
#: A repository owner as repository names allow it (older accounts may hold `--`).
OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_LOGIN = re.compile(LOGIN)
_REPO = re.compile(rf"{OWNER}/[A-Za-z0-9._-]{{1,100}}")


def is_login(text: object) -> bool:
    """Whether `text` is a GitHub login (and so may become a profile link or a page name)."""
    return isinstance(text, str) and _LOGIN.fullmatch(text) is not None

StatusValue = Literal["planned", "in-progress", "done", "dropped"]
RefKind = Literal["issue", "pull"]
Severity = Literal["error", "warning"]


@dataclass(slots=True, frozen=True)
class Ref:
    """A reference to an issue or pull request."""

    kind: RefKind
    #: `owner/name`, or None when a bare `#123` could not be resolved to a repository.
    repo: str | None
    number: int
    #: The canonical GitHub URL, or None when the repository is unknown.
    url: str | None


@dataclass(slots=True, frozen=True)
class Status:
    """A status as the document declares it."""

    value: StatusValue
    #: The text it was read from: an emoji, a checkbox, a cell or a heading.
    raw: str


@dataclass(slots=True, frozen=True)
class Task:
    """One checklist line of an item."""

    text: str
    done: bool
    line: int


@dataclass(slots=True)
class Item:
    """A unit of planned work: a heading after the preamble, or a row of a roadmap table."""

    id: str
    number: str | None
    title: str
    level: int
    parent: str | None
    line: int
    end_line: int
    anchor: str | None
    body: str = ""
    refs: list[Ref] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    status: Status | None = None
    tasks: list[Task] = field(default_factory=list)
    milestone: str | None = None

    @property
    def declared(self) -> StatusValue | None:
        """The status the document declares, or None."""
        return self.status.value if self.status else None

    @property
    def issue_keys(self) -> tuple[tuple[str, int], ...]:
        """(repo, number) of each reference whose repository is known: what links it."""
        return tuple((r.repo, r.number) for r in self.refs if r.repo)


@dataclass(slots=True, frozen=True)
class Note:
    """A heading that explains the document rather than naming work."""

    title: str
    line: int


@dataclass(slots=True, frozen=True)
class QueryLink:
    """A link to an issue search or label, telling which issues the roadmap follows."""

    url: str
    repo: str | None
    label: str | None
    query: str | None
    line: int


@dataclass(slots=True, frozen=True)
class Problem:
    """Something `roadmap lint` reports, at a line of the source."""

    line: int
    severity: Severity
    message: str
    code: str


@dataclass(slots=True)
class Roadmap:
    """A parsed roadmap document."""

    source: str
    title: str | None
    items: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    links: list[QueryLink] = field(default_factory=list)
    #: The repository `#123` resolves against, and where it came from.
    repo: str | None = None
    #: Problems noticed while parsing (unresolvable references, duplicate ids...).
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented `roadmap parse --json` shape."""
        return {
            "source": self.source,
            "title": self.title,
            "repo": self.repo,
            "items": [dataclasses.asdict(item) for item in self.items],
            "notes": [dataclasses.asdict(note) for note in self.notes],
            "links": [dataclasses.asdict(link) for link in self.links],
        }


def parse_repo(text: object) -> str:
    """An `owner/name` repository, or an InputError saying why `text` is not one."""
    if not isinstance(text, str) or _REPO.fullmatch(text) is None or text.endswith(
        (".", ".git")
    ) or text.split("/")[1] in (".", ".."):
        raise InputError(f"not a repository (expected OWNER/NAME): {text!r}")
    return text


def parse_org(text: object) -> str:
    """An organisation's name, or an InputError saying why `text` is not one."""
    if not isinstance(text, str) or re.fullmatch(OWNER, text) is None:
        raise InputError(f"not an organisation (expected its name, such as acme): {text!r}")
    return text


# -- what GitHub tells, as plain values (the GitHub module makes these, the store keeps them) --


@dataclass(slots=True, frozen=True)
class RemoteRepo:
    """A repository as GitHub describes it."""

    id: int
    full_name: str
    html_url: str


@dataclass(slots=True, frozen=True)
class SubIssues:
    """GitHub's `sub_issues_summary` of an issue: how its sub-issues stand."""

    total: int
    completed: int
    percent_completed: int

    @classmethod
    def of(cls, total: int, completed: int) -> SubIssues:
        """A summary from counts, with GitHub's whole-number percentage."""
        return cls(total, completed, completed * 100 // total if total else 0)

    def to_dict(self) -> dict[str, int]:
        return {"total": self.total, "completed": self.completed,
                "percent_completed": self.percent_completed}


@dataclass(slots=True, frozen=True)
class RemoteSubIssue:
    """A sub-issue of an issue, as `GET .../issues/{n}/sub_issues` lists it."""

    id: int
    repo: str
    number: int
    title: str
    state: str
    state_reason: str | None
    html_url: str


@dataclass(slots=True)
class RemoteIssue:
    """An issue or pull request from a list answer: everything but comments and events."""

    id: int
    number: int
    title: str
    body: str
    state: str
    state_reason: str | None
    is_pull_request: bool
    author: str | None
    labels: list[str]
    assignees: list[str]
    milestone: str | None
    comments: int
    html_url: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    #: Its sub-issues' summary (None where GitHub sent none, as in an export), and the API
    #: URL of its parent issue when it is itself a sub-issue.
    sub_issues: SubIssues | None = None
    parent_url: str | None = None


@dataclass(slots=True, frozen=True)
class RemoteComment:
    """A comment on an issue."""

    id: int
    issue_number: int
    author: str | None
    author_is_bot: bool
    body: str
    html_url: str
    created_at: datetime
    updated_at: datetime
    #: The lines that are the author's own, and their commands under the default patterns,
    #: when the store kept them (see `claims`).
    own_words: str | None = None
    commands: str | None = None


@dataclass(slots=True, frozen=True)
class RemoteEvent:
    """An issue event: an assignment, a label, a state or title change, or a commit that
    references the issue (`referenced`; its `subject` is the commit id)."""

    id: int
    event: str
    actor: str | None
    subject: str | None
    created_at: datetime


@dataclass(slots=True, frozen=True)
class RemotePull:
    """A pull request linked to an issue."""

    url: str
    repo: str
    number: int
    title: str
    state: str
    merged: bool
    author: str | None
    kind: str
    updated_at: datetime


@dataclass(slots=True, frozen=True)
class StoredIssue:
    """An issue as `roadmap issues` lists it from the store."""

    repo: str
    number: int
    title: str
    state: str
    assignees: list[str]
    labels: list[str]
    is_pull_request: bool
    comments: int
    updated_at: datetime
    url: str

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["updated_at"] = self.updated_at.isoformat().replace("+00:00", "Z")
        return data


def parse_time(text: str | None) -> datetime | None:
    """A GitHub timestamp (`2026-11-28T19:00:00Z`) as an aware UTC datetime."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)  # most are UTC


def issue_number_of(url: str) -> int | None:
    """The number at the end of an issue URL (`.../issues/12`)."""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


# -- who works on what -------------------------------------------------------------------------


@dataclass(slots=True)
class IssueRecord:
    """What links, claims and status read of one roadmap issue: from the store, the body
    only when it may name an item and comments only while the issue is open (see
    `Store.load_records`)."""

    repo: str
    number: int
    title: str
    body: str
    state: str
    state_reason: str | None
    is_pull_request: bool
    author: str | None
    labels: list[str]
    assignees: list[str]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    url: str
    comments: list[RemoteComment] = field(default_factory=list)
    events: list[RemoteEvent] = field(default_factory=list)
    pulls: list[RemotePull] = field(default_factory=list)
    #: GitHub's summary of its sub-issues (None: none known), and the sub-issues themselves.
    sub_issues: SubIssues | None = None
    children: list[RemoteSubIssue] = field(default_factory=list)
    #: `acme/widgets#12`: made once (a large report asks for it a hundred thousand times).
    ref: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.ref = f"{self.repo}#{self.number}"


@dataclass(slots=True, frozen=True)
class Claim:
    """Someone working on an issue, and the evidence for it."""

    login: str
    #: "assigned", "comment" or "pull".
    kind: str
    since: datetime
    last_activity: datetime
    #: A comment or pull request URL, or a description of the event.
    evidence: str
    stale: bool
    #: False for an assignee GitHub keeps no assignment event for (older than the events
    #: the store has read): when that claim began is unknown, so its clock has not started
    #: (never stale) and `since` (the issue's creation) is not to be shown as its start.
    dated: bool = True


@dataclass(slots=True, frozen=True)
class ItemLink:
    """An issue linked to a roadmap item, and how the link was made."""

    item_id: str
    repo: str
    number: int
    #: "ref" (the item names it), "marker" (`Roadmap:` in the issue), "label"
    #: (`roadmap:<id>`), "manual" (`roadmap link`) or "suggested" (by similarity, unconfirmed).
    how: str
    score: float | None = None


_ISSUE_URL = re.compile(r"https?://[^/\s]+/([^/\s]+/[^/\s]+)/(?:issues|pull)/(\d+)/?(?:[#?].*)?")
_FULL_REF = re.compile(r"([^/\s#]+/[^/\s#]+)#(\d+)")


def parse_ref(text: str, default_repo: str | None) -> tuple[str, int]:
    """`123`, `owner/repo#123` or an issue URL as (repo, number); InputError otherwise."""
    text = text.strip()
    for pattern in (_ISSUE_URL, _FULL_REF):
        match = pattern.fullmatch(text)
        if match:
            return parse_repo(match.group(1)), int(match.group(2))
    digits = text.lstrip("#")
    if digits.isdigit() and 0 < int(digits) < 10**9:
        if default_repo is None:
            raise InputError(f"{text}: which repository? use OWNER/NAME#{digits}, --repo, "
                             "or set `repos` in the configuration")
        return default_repo, int(digits)
    raise InputError(f"not an issue reference (expected 123, OWNER/NAME#123 or a URL): "
                     f"{text!r}")
