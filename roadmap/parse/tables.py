"""Tables: which are roadmaps (a row per item) and what each column holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from roadmap.model import Ref
from roadmap.parse import refs as R
from roadmap.parse import words
from roadmap.parse.inline import plain_text

#: Column roles, tried in order; a header names a role exactly or by one of its words.
COLUMN_ROLES: dict[str, frozenset[str]] = {
    "id": frozenset({"id", "#", "no", "no.", "nr", "number", "ref", "key", "risk id"}),
    "title": frozenset(
        {"title", "item", "items", "feature", "features", "feature name", "goal", "goals",
         "name", "project", "area", "task", "epic", "initiative", "work item", "topic", "theme",
         "proposal", "capability", "objective", "deliverable", "milestone item", "enhancement",
         "work", "what", "任务", "功能", "特性", "目标", "タスク", "機能"}
    ),
    "status": words.STATUS_FIELDS | {"done", "done?", "state of work", "状态", "状態", "進捗"},
    "owner": words.OWNER_FIELDS | {"who", "owned by", "led by", "assigned to", "负责人",
                                   "担当者", "担当"},
    "milestone": words.MILESTONE_FIELDS | {"target date", "release date", "date", "deadline",
                                           "ends", "end date", "revisit", "版本", "里程碑",
                                           "计划时间", "目标日期", "期限"},
    "tracking": words.TRACKING_FIELDS | {"issue/proposal", "links", "link", "pr", "prs",
                                         "pull request", "pull requests", "kep", "rfc"},
    "body": frozenset({"description", "notes", "note", "details", "summary", "what and why",
                       "why", "comment", "comments", "priority", "dependencies", "category",
                       "reason", "outcome", "说明", "优先级", "備考"}),
}
#: Words that give a long header its role (`Release, links, tracking issue` is a milestone).
_ROLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("status", re.compile(r"\bstatus\b")),
    ("owner", re.compile(r"\b(?:owners?|leads?|poc|contact|champions?|assignees?)\b")),
    ("milestone", re.compile(r"\b(?:release|milestone|target|eta|quarter|timeline|when|date)\b")),
    ("tracking", re.compile(r"\b(?:issues?|tracking|proposals?|links?)\b")),
    ("title", re.compile(r"\b(?:feature|title|goal|item|name|project|area|epic)\b")),
    ("body", re.compile(r"\b(?:description|notes?|details|summary|why)\b")),
]
#: Columns that make a one-row table the metadata of the item it sits in.
_ITEM_FIELDS = ("status", "owner", "milestone", "tracking")
_PLACEHOLDER = re.compile(r"^\(\(\(.*\)\)\)$|^\{\{.*\}\}$")


@dataclass(slots=True)
class Row:
    """One table row: its 1-based line and the inline token of each cell."""

    line: int
    cells: list[Token]
    _texts: list[str] | None = None

    def texts(self) -> list[str]:
        """The plain text of each cell, worked out once."""
        if self._texts is None:
            self._texts = [" ".join(plain_text(cell.children).split()) for cell in self.cells]
        return self._texts


@dataclass(slots=True)
class Table:
    """A table, its header texts and the role each column plays."""

    header: Row
    headers: list[str]
    roles: list[str | None]
    rows: list[Row]

    def is_roadmap(self) -> bool:
        """A table lists items when it has a title column and something said of each title.

        A legend (`| Status | Meaning |`, `| ✅ | Complete |`) has no titles but symbols.
        """
        if "title" not in self.roles or self.titles_are_symbols():
            return False
        return any(r in self.roles for r in ("status", "owner", "milestone", "tracking", "body"))

    def lists_items(self, in_plain_item: bool) -> bool:
        """Whether the rows are items, not references about the item the table sits in.

        Titles that are only issue numbers (`[2066](...)`) name no work; inside a plain
        item (not a milestone or status heading), a table of titles and issues alone,
        such as `| Format | Issue |`, lists that item's issues.
        """
        if not self.is_roadmap() or self.titles_are_numbers():
            return False
        said = {role for role in self.roles if role not in (None, "title", "id", "tracking")}
        return bool(said) or not in_plain_item

    def titles_are_symbols(self) -> bool:
        """Whether every title is an emoji or mark alone: `| ✅ | Complete |` is a legend."""
        titles = [self.text(row, "title") for row in self.rows]
        return bool(titles) and all(
            not any(ch.isalnum() for ch in title) for title in titles)

    def titles_are_numbers(self) -> bool:
        """Whether every title cell is an issue link whose text is its number (`[2066](...)`)."""
        at = self.column("title")
        cells = [row.cells[at] for row in self.rows if at is not None and at < len(row.cells)]
        cells = [cell for cell in cells if cell.content.strip()]
        return bool(cells) and all(_is_number_link(cell) for cell in cells)

    def column(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    def text(self, row: Row, role: str) -> str:
        """The plain text of a row's cell in the column with `role`, or ``""``."""
        index = self.column(role)
        if index is None or index >= len(row.cells):
            return ""
        return row.texts()[index]

    def body(self, row: Row) -> str:
        """The row's other cells as `Header: Markdown` lines."""
        lines = []
        for header, role, cell in zip(self.headers, self.roles, row.cells, strict=False):
            if role not in ("title", "id") and cell.content.strip():
                lines.append(f"{header or 'Notes'}: {cell.content.strip()}")
        return "\n".join(lines)

    def all_rows(self) -> list[Row]:
        return [self.header, *self.rows]

    def fields(self) -> list[tuple[str, str, int]]:
        """The `name | value` pairs of a metadata table about the item it sits in.

        Either two columns of names and values, or one row under headers such as
        `| Category | Status | Target Completion | Tracking |`.
        """
        if len(self.rows) == 1 and any(r in self.roles for r in _ITEM_FIELDS):
            row = self.rows[0]
            return [(header, " ".join(plain_text(cell.children).split()), row.line)
                    for header, cell in zip(self.headers, row.cells, strict=False)]
        if len(self.headers) != 2 or (self.headers[1] and \
                words.fold(self.headers[0]) not in ("metadata", "field", "key", "property")):
            return []
        pairs = []
        for row in self.all_rows():
            if len(row.cells) == 2:
                name = plain_text(row.cells[0].children).strip()
                pairs.append((name, plain_text(row.cells[1].children).strip(), row.line))
        return pairs


def _is_number_link(cell: Token) -> bool:
    """A cell that is only a link to an issue or pull request, with its number as the text."""
    text = plain_text(cell.children).strip().lstrip("#")
    hrefs = [str(t.attrs.get("href", "")) for t in cell.children or [] if t.type == "link_open"]
    return text.isdigit() and len(hrefs) == 1 and isinstance(R.ref_of_url(hrefs[0]), Ref)


def read_table(tokens: list[Token], i: int) -> tuple[Table, int]:
    """The table that starts at `tokens[i]` and the index just past its end."""
    rows: list[Row] = []
    j = i + 1
    while tokens[j].type != "table_close":
        token = tokens[j]
        if token.type == "tr_open":
            rows.append(Row((token.map or (0, 0))[0] + 1, []))
        elif token.type == "inline":
            rows[-1].cells.append(token)
        j += 1
    header, *body = rows
    headers = [" ".join(plain_text(cell.children).split()) for cell in header.cells]
    roles = column_roles(headers)
    return Table(header, headers, roles, body), j + 1


def column_roles(headers: list[str]) -> list[str | None]:
    """The role of each column; each role goes to the first column that claims it.

    A first column whose header names no role (`| Effect | Status |`) holds the titles
    when no other column does.
    """
    roles: list[str | None] = []
    for header in headers:
        role = column_role(header)
        roles.append(None if role in roles and role != "body" else role)
    if roles and roles[0] is None and "title" not in roles:
        roles[0] = "title"
    if roles and roles[0] == "milestone" and "title" not in roles and (
        "status" in roles or "owner" in roles
    ):
        # `| Milestone | Codename | Ends | Status |`: the rows are the milestones themselves.
        roles[0] = "title"
        later = [n for n, header in enumerate(headers) if n and roles[n] is None
                 and column_role(header) == "milestone"]
        if later:
            roles[later[0]] = "milestone"
    return roles


def column_role(header: str) -> str | None:
    key = words.fold(header).strip("*_:` ")
    for role, names in COLUMN_ROLES.items():
        if key in names:
            return role
    for role, pattern in _ROLE_WORDS:
        if pattern.search(key):
            return role
    return None


def is_placeholder(title: str) -> bool:
    """A template placeholder row such as `(((ROADMAP ROWS)))`, not an item."""
    return _PLACEHOLDER.match(title) is not None
