"""The state of one pass over a roadmap's tokens: the open sections, the items made so far,
and the ids given out. `walk.py` holds the handlers that move it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from roadmap.model import Item, Problem, Roadmap, Status
from roadmap.parse import words
from roadmap.parse.inline import Found


@dataclass(slots=True)
class Section:
    """A heading whose section is still being read."""

    kind: str  # "title", "note", "item", "facet" (a part of its item: "Tasks") or "blank"
    level: int
    line: int
    item: Item | None = None
    body_start: int = 0  # 0-based index of the first line after the heading
    body_end: int | None = None  # 0-based index where the first child heading starts
    found: Found = field(default_factory=Found)
    grouping: Status | None = None  # what children inherit from a "Done" heading
    status_inherited: bool = False
    milestone_own: bool = False  # named by the heading itself, not by a field line
    explains: bool = False  # a note by its own title ("FAQ"), not only by its place


class Walk:
    """The state of one pass over a document's tokens."""

    def __init__(self, source: str, lines: list[str], title: str | None) -> None:
        self.roadmap = Roadmap(source=source, title=title)
        self.lines = lines
        self.stack: list[Section] = []
        self.found = Found()  # links seen anywhere, for the document's repository
        self.row_found: list[tuple[Item, Found]] = []
        self.anchors: Counter[str] = Counter()
        self.linked: Counter[str] = Counter()  # repositories of items' linked issues
        self.ids: set[str] = set()
        self.suffixes: dict[str, int] = {}
        self.numbered: int | None = None  # the level of the first numbered heading
        #: Lines of unnumbered headings whose first sub-section is numbered: their parents.
        self.numbered_parents: set[int] = set()
        self.started = False
        self.seen_heading = False
        self.title_line: int | None = None
        self.last_level = 0
        self.task_inline = -1

    # -- sections -------------------------------------------------------------------------

    def current(self) -> Section | None:
        """The innermost open section, if it is an item; content outside items is preamble.

        A facet's content ("### Tasks" of a phase) belongs to the item it is part of.
        """
        if self.stack and self.stack[-1].kind == "item":
            return self.stack[-1]
        if self.stack and self.stack[-1].kind == "facet":
            return self.parent_item()
        return None

    def parent_item(self) -> Section | None:
        """The innermost open item, wherever the stack's top is."""
        return next((s for s in reversed(self.stack) if s.kind == "item"), None)

    def close_to(self, level: int, line: int) -> None:
        """Close every open section at `level` or deeper; the next heading starts at `line`."""
        while self.stack and self.stack[-1].level >= level:
            self.finish(self.stack.pop(), line - 1)

    def finish(self, section: Section, end: int) -> None:
        """Fix an item's last line and body once its section is closed."""
        while end > section.line and not self.lines[end - 1].strip():
            end -= 1
        self.found.queries.extend(section.found.queries)
        item = section.item
        if item is None:
            return
        item.end_line = end
        stop = end if section.body_end is None else section.body_end
        item.body = "\n".join(self.lines[section.body_start:stop]).strip("\n")
        self.attach(item, section.found)

    def attach(self, item: Item, found: Found) -> None:
        """Give an item the references found in its own text; record what did not parse."""
        item.refs.extend(found.refs)  # type: ignore[arg-type]  # resolved in finish_refs
        self.linked.update(found.linked)
        for bad in found.bad:
            self.problem(item.line, "error", "bad-ref", f"reference does not parse: {bad.url}")

    def problem(self, line: int, severity: str, code: str, message: str) -> None:
        self.roadmap.problems.append(Problem(line, severity, message, code))  # type: ignore[arg-type]

    def unique_anchor(self, text: str) -> str:
        """GitHub's anchor for a heading, with `-1`, `-2` for repeats as GitHub numbers them."""
        base = words.anchor(text)
        count = self.anchors[base]
        self.anchors[base] += 1
        return base if count == 0 else f"{base}-{count}"

    def unique_id(self, wanted: str | None, title: str, line: int) -> str:
        """An explicit id as written, or a slug of the title made unique.

        A repeated title (`Releases` under each quarter) takes its parent's id as a
        prefix, which survives reordering; a number suffix is the last resort.
        """
        if wanted and words.slug(wanted) != wanted:
            self.problem(line, "warning", "bad-marker",
                         f"id {wanted!r} in a roadmap marker is not lower-case letters, digits "
                         "and hyphens; it is ignored")
            wanted = None
        if wanted:
            if wanted in self.ids:
                self.problem(line, "error", "duplicate-id", f"duplicate item id {wanted!r}")
            self.ids.add(wanted)
            return wanted
        base = words.slug(title) or f"item-{line}"
        parent = self.parent_item()
        if base in self.ids and parent and parent.item:
            base = f"{parent.item.id}-{base}"
        n = self.suffixes.get(base, 1)  # where the last search for this base stopped
        candidate = base if n == 1 else f"{base}-{n}"
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        self.suffixes[base] = n
        if n > 1:
            self.problem(line, "warning", "duplicate-title",
                         f"id {base!r} is taken; this item gets {candidate!r} "
                         "(add <!-- roadmap: id=... --> to keep it stable)")
        self.ids.add(candidate)
        return candidate

    # -- items ----------------------------------------------------------------------------

    def new_item(self, written: str, level: int, line: int, marker: str | None) -> Item:
        """An item under the innermost open item, inheriting its milestone and grouping."""
        title, number, status = words.split_title(written)
        parent = self.parent_item()
        item = Item(
            id=self.unique_id(marker, title, line), number=number, title=title, level=level,
            parent=parent.item.id if parent and parent.item else None, line=line,
            end_line=line, anchor=None, status=status,
            milestone=parent.item.milestone if parent and parent.item else None,
        )
        self.roadmap.items.append(item)
        self.started = True
        return item

    def inherited_status(self) -> Status | None:
        """The status of the nearest enclosing grouping heading ("Done", "Next", ...)."""
        return next((s.grouping for s in reversed(self.stack) if s.grouping), None)


def marker_id(markers: list[str]) -> str | None:
    """The id of a `<!-- roadmap: id=... -->` marker among HTML comments."""
    for comment in markers:
        text = comment.strip()
        if not text.startswith("roadmap:"):
            continue
        for pair in text[len("roadmap:"):].split():
            key, _, value = pair.partition("=")
            if key == "id" and value:
                return value
    return None
