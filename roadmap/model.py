"""Plain values handed from stage to stage.

Every stage takes and returns these dataclasses; PyGithub and SQLAlchemy objects
never leave their own modules. `to_dict` gives the documented JSON shape.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from roadmap.errors import InputError

_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")

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
