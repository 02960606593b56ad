"""Turning markdown-it's token stream into a Roadmap.

Like a markdown-it rule table: `HANDLERS` maps a token type to a small function
`(walk, tokens, index) -> next index`. Adding a construct is one handler and one
entry. Headings open sections; content lands in the innermost open item.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from markdown_it.token import Token

from roadmap.collector import collector_paused
from roadmap.model import Item, Note, QueryLink, Ref, Roadmap, Task
from roadmap.parse import refs as R
from roadmap.parse import tables, words
from roadmap.parse.inline import Found, heading_text, lines_of, may_refer, plain_text, scan
from roadmap.parse.markdown import yaml_title
from roadmap.parse.state import Section, Walk, marker_id

#: A `Name:` at the start of a line (not `https://`): only such text can hold a field.
_FIELD_HINT = re.compile(r"(?m)^[ \t*_>]*[A-Za-z][A-Za-z /'-]{0,30}?[ \t*_]*:(?!//)")
_TASK_MARKS = {"[ ]": False, "[x]": True, "[X]": True}
_LISTS = ("bullet_list_open", "ordered_list_open")


# -- handlers -------------------------------------------------------------------------------


def on_heading(walk: Walk, tokens: list[Token], i: int) -> int:
    open_, inline = tokens[i], tokens[i + 1]
    level = int(open_.tag[1])
    start, stop = open_.map or (0, 1)
    line = start + 1
    shown = plain_text(inline.children).replace("\n", " ").strip()
    text = heading_text(inline.children).replace("\n", " ").strip()
    if walk.last_level and level > walk.last_level + 1:
        walk.problem(line, "warning", "heading-level",
                     f"heading level skips from h{walk.last_level} to h{level}")
    walk.last_level = level
    anchor = walk.unique_anchor(shown)
    walk.close_to(level, line)
    facts = words.heading_facts(text) if text else None
    kind = heading_kind(walk, facts, level, line)
    if walk.stack and kind != "facet":  # a facet's text stays in its item's body
        top = walk.stack[-1]
        top.body_end = start if top.body_end is None else top.body_end
    walk.seen_heading = walk.seen_heading or kind != "blank"
    section = Section(kind, level, line, body_start=stop)
    owner = walk.parent_item() if kind == "facet" else None
    found = owner.found if owner else section.found
    scan(inline.children, line, found)
    if kind == "title":
        walk.roadmap.title, walk.title_line = text, line
    elif kind == "note":
        outer = walk.stack[-1] if walk.stack else None
        section.explains = (facts is not None and words.is_note_title(facts[0])) or bool(
            outer and outer.kind == "note" and outer.explains)
        walk.roadmap.notes.append(Note(text, line))
    elif kind == "item":
        assert facts is not None
        section.item = open_item(walk, section, text, facts, marker_after(tokens, i + 3, found))
        section.item.anchor = anchor
    walk.stack.append(section)
    return i + 3


def heading_kind(walk: Walk, facts: words.HeadingFacts | None, level: int, line: int) -> str:
    """Whether a heading is the document's title, a note about the document, or an item.

    An empty heading (`##` alone) is none of them: it only closes the sections above it.
    """
    if facts is None:
        return "blank"
    rest, number, _, milestone, group = facts
    grouping = milestone or group
    if not walk.seen_heading and not number and (
        (level == 1 and not grouping)
        or ("roadmap" in rest.lower() and not words.is_note_title(rest))
    ):
        return "title"
    top = walk.stack[-1] if walk.stack else None
    outer = walk.parent_item()
    if outer and level > outer.level and number is None and (
        words.is_facet_title(rest) or words.is_note_title(rest)
    ):
        return "facet"
    names_work = number is not None or line in walk.numbered_parents
    if top and top.kind == "note" and level > top.level and (not names_work or top.explains):
        # A numbered section (`A. Streaming`), or the parent of numbered ones, names work
        # even below a heading that is a note only for standing before the first numbered one.
        return "note"
    if number is None and words.is_note_title(rest):
        outer = walk.parent_item()
        if outer is None or level <= outer.level:
            return "note"
    if not walk.started and walk.numbered and number is None and not grouping and \
            line not in walk.numbered_parents and (level >= walk.numbered or level == 1):
        # Moby's `### How ...` before `# 1. Features`, or a second `#` title; a `## Vision`
        # above sections numbered only from `###` on is a section of its own.
        return "note"
    return "item"


def marker_after(tokens: list[Token], j: int, found: Found) -> str | None:
    """An id marker in the heading itself or in an HTML comment right after it."""
    marker = marker_id(found.markers)
    if marker is None and j < len(tokens) and tokens[j].type == "html_block":
        extra = Found()
        extra.add_html(tokens[j].content, 0)
        marker = marker_id(extra.markers)
    return marker


def open_item(walk: Walk, section: Section, text: str, facts: words.HeadingFacts,
              marker: str | None) -> Item:
    item = walk.new_item(text, section.level, section.line, marker)
    _, _, _, milestone, grouping = facts
    if milestone:
        item.milestone = milestone
        section.milestone_own = True
    if grouping is not None:
        section.grouping = grouping
        item.status = item.status or grouping
    elif item.status is None:
        item.status = walk.inherited_status()
        section.status_inherited = item.status is not None
    return item


def reads_paragraph(content: str) -> bool:
    """Whether `on_inline` may look at a paragraph's inline tokens, from its source alone:
    for references, a checklist mark or a field line. Others need not be parsed inline."""
    return may_refer(content) or content[:3] in _TASK_MARKS or \
        _FIELD_HINT.search(content) is not None


def on_inline(walk: Walk, tokens: list[Token], i: int) -> int:
    token = tokens[i]
    if not token.children:  # a paragraph `reads_paragraph` turned down: nothing to read
        return i + 1
    line = (token.map or (0, 0))[0] + 1
    section = walk.current()
    if may_refer(token.content):
        scan(token.children, line, section.found if section else walk.found)
    if section is None or section.item is None:
        return i + 1
    if i == walk.task_inline:
        task = task_of(token, line)
        if task is not None:
            section.item.tasks.append(task)
            return i + 1
    if _FIELD_HINT.search(token.content):
        fields = [(text, line + n) for n, text in enumerate(lines_of(token.children))]
        read_fields(walk, section, fields, list_follows(tokens, i))
    return i + 1


def task_of(token: Token, line: int) -> Task | None:
    """A checklist line: a list item whose text starts with `[ ]` or `[x]`."""
    content = token.content
    mark = content[:3]
    if mark not in _TASK_MARKS or (len(content) > 3 and not content[3].isspace()):
        return None
    text = plain_text(token.children)[3:].split("\n")[0].strip()
    return Task(text, _TASK_MARKS[mark], line)


def read_fields(walk: Walk, section: Section, fields: list[tuple[str, int]],
                list_after: bool) -> None:
    """`Status:`, `Owner:`, `Milestone:` and `Tracking issues:` lines of an item's text."""
    item = section.item
    assert item is not None
    for text, line in fields:
        pair = words.field_line(text)
        if pair is None:
            continue
        name, value = pair
        if name in words.STATUS_FIELDS:
            status = words.status_of_words(value)
            if status and (item.status is None or section.status_inherited):
                item.status, section.status_inherited = status, False
        elif name in words.OWNER_FIELDS:
            item.owners.extend(o for o in words.logins(value, bare=True) if o not in item.owners)
        elif name in words.MILESTONE_FIELDS and value and not section.milestone_own:
            item.milestone = words.milestone_of_text(value)
        elif name in words.TRACKING_FIELDS and not list_after and \
                words.fold(value) in words.EMPTY_VALUES:
            walk.problem(line, "warning", "empty-tracking",
                             f"{item.title!r}: the tracking list is empty")


def list_follows(tokens: list[Token], i: int) -> bool:
    """Whether a non-empty list comes right after the paragraph holding token `i`."""
    j = i + 2  # inline, paragraph_close, then the next block
    return j < len(tokens) and tokens[j].type in _LISTS


def on_list_item(walk: Walk, tokens: list[Token], i: int) -> int:
    if i + 2 < len(tokens) and tokens[i + 1].type == "paragraph_open":
        walk.task_inline = i + 2
    return i + 1


def on_html_block(walk: Walk, tokens: list[Token], i: int) -> int:
    token = tokens[i]
    section = walk.current()
    found = section.found if section else walk.found
    found.add_html(token.content, (token.map or (0, 0))[0] + 1)
    return i + 1


def on_front_matter(walk: Walk, tokens: list[Token], i: int) -> int:
    if walk.roadmap.title is None:
        walk.roadmap.title = yaml_title(tokens[i])
    return i + 1


def on_table(walk: Walk, tokens: list[Token], i: int) -> int:
    table, end = tables.read_table(tokens, i)
    section = walk.current()
    plain = section is not None and not (section.grouping or section.milestone_own)
    if table.lists_items(in_plain_item=plain):
        last: tuple[Item, Found] | None = None
        for row in table.rows:
            last = add_row(walk, table, row, last)
        return end
    target = section.found if section else walk.found
    for row in table.all_rows():
        for cell in row.cells:
            scan(cell.children, row.line, target)
    if section is not None:
        fields = [(f"{name}: {value}", line) for name, value, line in table.fields()]
        read_fields(walk, section, fields, list_after=True)
    return end


def add_row(walk: Walk, table: tables.Table, row: tables.Row,
            last: tuple[Item, Found] | None) -> tuple[Item, Found] | None:
    """A row of a roadmap table as an item under the current heading.

    A row with no title continues the row above it. Returns the row item that the
    next row may continue.
    """
    found = Found()
    for cell in row.cells:
        scan(cell.children, row.line, found)
    walk.found.queries.extend(found.queries)
    title = table.text(row, "title")
    if not title and not table.text(row, "id"):
        if last is not None:
            continue_row(walk, table, row, found, last)
        return last
    if tables.is_placeholder(title) or not title:
        return last
    parent = walk.parent_item()
    level = walk.stack[-1].level + 1 if walk.stack else 1
    item = walk.new_item(title, level, row.line, marker_id(found.markers))
    item.number = table.text(row, "id").rstrip(".") or item.number
    item.anchor = parent.item.anchor if parent and parent.item else None
    fill_row(walk, table, row, item)
    walk.row_found.append((item, found))
    return item, found


def fill_row(walk: Walk, table: tables.Table, row: tables.Row, item: Item) -> None:
    """Status, owners, milestone and body of a table row item from its columns."""
    status_text = table.text(row, "status")
    if item.status is None and status_text:
        item.status = words.status_of_words(status_text)
    if item.status is None:
        item.status = walk.inherited_status()
    owners = table.text(row, "owner")
    item.owners.extend(o for o in words.logins(owners, bare=True) if o not in item.owners)
    milestone = table.text(row, "milestone")
    if milestone and words.fold(milestone) not in words.EMPTY_VALUES:
        item.milestone = words.milestone_of_text(milestone)
    body = table.body(row)
    item.body = f"{item.body}\n{body}".strip("\n") if item.body else body


def continue_row(walk: Walk, table: tables.Table, row: tables.Row, found: Found,
                 last: tuple[Item, Found]) -> None:
    """Fold a continuation row's cells into the row item above it."""
    item, previous = last
    previous.refs.extend(found.refs)
    previous.bad.extend(found.bad)
    previous.linked.extend(found.linked)
    item.end_line = row.line
    fill_row(walk, table, row, item)


HANDLERS: dict[str, Callable[[Walk, list[Token], int], int]] = {
    "heading_open": on_heading,
    "inline": on_inline,
    "list_item_open": on_list_item,
    "html_block": on_html_block,
    "front_matter": on_front_matter,
    "table_open": on_table,
}


def walk_tokens(tokens: list[Token], source: str, lines: list[str], title: str | None,
                repo: str | None) -> Roadmap:
    """Build the Roadmap of a token stream; `repo` resolves bare `#123` when given."""
    walk = Walk(source, lines, title)
    find_numbered(walk, tokens)
    i, count, handlers = 0, len(tokens), HANDLERS
    with collector_paused():
        while i < count:
            handler = handlers.get(tokens[i].type)
            i = handler(walk, tokens, i) if handler else i + 1
    walk.close_to(0, last_block_line(tokens) + 1)
    if not walk.roadmap.items and walk.roadmap.notes:
        whole_document_item(walk)
    for item, found in walk.row_found:
        walk.attach(item, found)
    finish_refs(walk, repo)
    return walk.roadmap


def whole_document_item(walk: Walk) -> None:
    """The document as one item when every section explains it (Tekton's board guide).

    A roadmap with sections is never empty: its issues link to this one item, and
    lint says why there is only one.
    """
    roadmap = walk.roadmap
    title = roadmap.title or "Roadmap"
    line = walk.title_line or 1
    item = walk.new_item(title, 1, line, None)
    item.anchor = words.anchor(title) if walk.title_line else None
    item.end_line = max(line, len(walk.lines))
    item.body = "\n".join(walk.lines[line if walk.title_line else 0:]).strip("\n")
    walk.attach(item, walk.found)
    walk.problem(line, "warning", "whole-document-item",
                 "every section explains the document and none names work: the whole "
                 "roadmap is one item")


def find_numbered(walk: Walk, tokens: list[Token]) -> None:
    """Whether the document numbers its sections, and which headings parent numbered ones."""
    headings = [(int(t.tag[1]), (t.map or (0, 0))[0] + 1,
                 words.split_title(tokens[n + 1].content)[1] is not None)
                for n, t in enumerate(tokens) if t.type == "heading_open"]
    walk.numbered = next((level for level, _, numbered in headings if numbered), None)
    for (level, line, _), (below, _, numbered) in pairwise(headings):
        if numbered and below > level > 1:  # a second `#` title stays a note
            walk.numbered_parents.add(line)


def finish_refs(walk: Walk, repo: str | None) -> None:
    """Choose the document's repository, resolve bare `#123`, and drop repeated refs."""
    roadmap = walk.roadmap
    queries = sorted({q.url: q for q in walk.found.queries}.values(), key=lambda q: q.line)
    roadmap.links = queries
    roadmap.repo = repo or document_repo(queries, walk.linked)
    for item in roadmap.items:
        resolved: dict[tuple[str | None, int], Ref] = {}
        for ref in item.refs:
            final = R.resolve(ref, roadmap.repo)
            key = (final.repo, final.number)
            if key in resolved:
                continue
            if final.repo is None:
                walk.problem(item.line, "warning", "unresolved-ref",
                             f"#{final.number} names no repository (use --repo or set "
                             "`repos` in the configuration)")
            resolved[key] = final
        item.refs = list(resolved.values())


def document_repo(queries: list[QueryLink], linked: Counter[str]) -> str | None:
    """The repository the roadmap's own links point at: its label query, else most links.

    `owner/repo#12` written as text does not count: GitHub shortens a reference to the
    file's own repository to `#12`, so a written-out one usually names another project.
    """
    for query in queries:
        if query.repo and query.label:
            return query.repo
    return linked.most_common(1)[0][0] if linked else None


def last_block_line(tokens: list[Token]) -> int:
    """The last source line of the last block, before trailing link definitions."""
    for token in reversed(tokens):
        if token.map is not None and token.level == 0:
            return token.map[1]
    return 0
