"""Plain renderings for the terminal and JSON; everything shown is made terminal-safe."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import fields
from datetime import datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from roadmap.model import Item, Note, Problem, QueryLink, Ref, Roadmap, Status, StoredIssue, Task

if TYPE_CHECKING:
    from roadmap.build import BuildOutcome
    from roadmap.sync import RepoSummary
    from roadmap.track.views import FreeIssue, ItemStatus, Person, StatusView


def terminal_safe(text: str) -> str:
    """Text with control characters (escape sequences, bidi overrides) shown, not obeyed."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == "\n" else f"\\u{ord(ch):04x}"
        for ch in text
        if unicodedata.category(ch) != "Cn" or ch.isprintable()
    )


def render_json(data: Any) -> str:
    """Stable, readable JSON: keys in their documented order, text kept as UTF-8."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_roadmap_json(roadmap: Roadmap) -> str:
    """`render_json(roadmap.to_dict())` byte for byte, written straight from the dataclasses.

    `dataclasses.asdict` copies every value and the json module indents in pure Python,
    one generator step per piece: a fifth of `roadmap parse --json` on a large roadmap.
    Here the layout is a template of the fixed shape and the values are encoded in one
    call of the json module's C encoder. A value of a type the documented shape does not
    have falls back to the general path.
    """
    try:
        return _roadmap_json(roadmap)
    except _Unexpected:
        return render_json(roadmap.to_dict())


class _Unexpected(Exception):
    """A value outside the documented shape: let the json module render it."""


#: What may fill a slot of the template: each encodes alike at any depth.
_SCALARS = frozenset({str, int, bool, type(None)})
#: The C encoder with a newline between values: encoded strings escape their newlines,
#: so the newlines split the encoded list back into its values.
_ENCODE = c_make_encoder(None, None, encode_basestring, None, ": ", "\n",
                         False, False, True) if c_make_encoder else None


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _object(keys: tuple[str, ...], pad: str) -> str:
    """The template of a flat object of `keys` whose braces sit at `pad`, a %s per value."""
    inner = f"\n{pad}  "
    return "{" + inner + f",{inner}".join(f"{encode_basestring(k)}: %s" for k in keys) + \
        f"\n{pad}}}"


def _array(templates: list[str], pad: str) -> str:
    if not templates:
        return "[]"
    inner = f"\n{pad}  "
    return "[" + inner + f",{inner}".join(templates) + f"\n{pad}]"


_ITEM_NESTED = ("refs", "owners", "status", "tasks")
_ITEM_NAMES = _names(Item)
#: Runs of scalar fields between the nested ones: (template, fields read, nested field).
_ITEM_PLAN: list[tuple[str, Any, str | None]] = []


def _plan_item() -> None:
    pad, piece = "      ", "{\n      "
    run: list[str] = []
    for name in _ITEM_NAMES:
        key = f"{encode_basestring(name)}: "
        if name in _ITEM_NESTED:
            piece += ",\n      ".join([*(f"{encode_basestring(n)}: %s" for n in run), key])
            _ITEM_PLAN.append((piece, _getter(run), name))
            run, piece = [], f",\n{pad}"
        else:
            run.append(name)
    piece = (piece + ",\n      ".join(f"{encode_basestring(n)}: %s" for n in run)) if run else ""
    _ITEM_PLAN.append((piece + f"\n{pad[:-2]}}}", _getter(run), None))


def _getter(names: list[str] | tuple[str, ...]) -> Any:
    """A function giving the named attributes of an object as a tuple (None for none)."""
    if not names:
        return None
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return attrgetter(*names)


def _roadmap_json(roadmap: Roadmap) -> str:
    if _ENCODE is None:
        raise _Unexpected
    template: list[str] = []
    values: list[Any] = []
    _fill_items(roadmap.items, template, values)
    items = _array(template, "  ")
    notes = _records(roadmap.notes, Note, "  ", values)
    links = _records(roadmap.links, QueryLink, "  ", values)
    head = [roadmap.source, roadmap.title, roadmap.repo]
    values[:0] = head
    if not set(map(type, values)) <= _SCALARS:
        raise _Unexpected
    # Split before taking the list's brackets off the ends: a slice would copy the whole
    # text once more (4 bytes a character, with an emoji anywhere in it).
    encoded = "".join(_ENCODE(values, 0)).split("\n")
    encoded[0], encoded[-1] = encoded[0][1:], encoded[-1][:-1]
    layout = (f'{{\n  "source": %s,\n  "title": %s,\n  "repo": %s,\n  "items": {items},'
              f'\n  "notes": {notes},\n  "links": {links}\n}}')
    return layout % tuple(encoded)


_TEMPLATES: dict[tuple[type, str], tuple[str, Any]] = {}


def _record_plan(cls: type, pad: str) -> tuple[str, Any]:
    plan = _TEMPLATES.get((cls, pad))
    if plan is None:
        names = _names(cls)
        plan = _TEMPLATES[(cls, pad)] = (_object(names, pad), _getter(names))
    return plan


def _records(records: object, cls: type, pad: str, values: list[Any]) -> str:
    """The template of a list of flat dataclasses at `pad`; their values join `values`."""
    if type(records) is not list:
        raise _Unexpected
    if not records:
        return "[]"
    one, get = _record_plan(cls, pad + "  ")
    for record in records:
        if type(record) is not cls:
            raise _Unexpected
        values.extend(get(record))
    inner = f"\n{pad}  "
    return "[" + inner + f",{inner}".join([one] * len(records)) + f"\n{pad}]"


def _fill_items(items: object, template: list[str], values: list[Any]) -> None:
    if type(items) is not list:
        raise _Unexpected
    for item in items:
        if type(item) is not Item:
            raise _Unexpected
        parts = []
        for piece, get, nested in _ITEM_PLAN:
            if get is not None:
                values.extend(get(item))
            parts.append(piece)
            if nested is not None:
                parts.append(_nested(item, nested, values))
        template.append("".join(parts))


def _nested(item: Item, name: str, values: list[Any]) -> str:
    value = getattr(item, name)
    if name == "refs":
        return _records(value, Ref, "      ", values)
    if name == "tasks":
        return _records(value, Task, "      ", values)
    if name == "status":
        if value is None:
            return "null"
        one, get = _record_plan(Status, "      ")
        if type(value) is not Status:
            raise _Unexpected
        values.extend(get(value))
        return one
    if type(value) is not list:
        raise _Unexpected
    values.extend(value)
    return _array(["%s"] * len(value), "      ")


_plan_item()


def render_tree(roadmap: Roadmap) -> str:
    """The items as an indented outline: number, title, declared status, refs and tasks."""
    title = roadmap.title or "(untitled)"
    count = len(roadmap.items)
    lines = [f"{title} — {roadmap.source}: {count} item{'s' if count != 1 else ''}"]
    if not roadmap.items:
        lines.append("  no roadmap items found (no sections after the introduction, "
                     "no roadmap table)")
    base = min((item.level for item in roadmap.items), default=1)
    lines.extend(_tree_line(item, base) for item in roadmap.items)
    return terminal_safe("\n".join(lines))


def _tree_line(item: Item, base: int) -> str:
    indent = "  " * (item.level - base)
    head = f"{item.number} {item.title}" if item.number else item.title
    facts = []
    if item.status:
        facts.append(f"[{item.status.value}]")
    if item.milestone:
        facts.append(f"({item.milestone})")
    if item.refs:
        facts.append(f"{len(item.refs)} ref{'s' if len(item.refs) != 1 else ''}")
    if item.tasks:
        done = sum(task.done for task in item.tasks)
        facts.append(f"{done}/{len(item.tasks)} tasks")
    if item.owners:
        facts.append(" ".join(f"@{owner}" for owner in item.owners))
    return f"{indent}{head}  {' '.join(facts)}".rstrip()


def render_problems(source: str, problems: list[Problem]) -> str:
    """One `FILE:LINE: SEVERITY: MESSAGE` line per problem."""
    return terminal_safe("\n".join(
        f"{source}:{p.line}: {p.severity}: {p.message}" for p in problems
    ))


def render_sync(summaries: list[RepoSummary]) -> str:
    """One line per repository: what changed and what it cost."""
    return terminal_safe("\n".join(s.line() for s in summaries))


def render_build(outcome: BuildOutcome) -> str:
    """`roadmap build`: the roadmap's outline, its problems, then what each step did."""
    parts = [render_tree(outcome.roadmap)]
    if outcome.problems:
        parts.append(render_problems(outcome.roadmap.source, outcome.problems))
    parts.extend(terminal_safe(note) for note in outcome.notes)
    return "\n".join(parts)


def render_issues(issues: list[StoredIssue], width: int | None = None,
                  total: tuple[int, int] | None = None) -> str:
    """A table of issues: reference, state, assignees, title; then how many, and how many
    in all (`total`: roadmap issues, labelled pull requests) when only some are listed."""
    if not issues:
        return "no roadmap issues in the store (run `roadmap sync` or `roadmap import`)\n"
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for column in ("Issue", "State", "Assignees", "Title"):
        table.add_column(column, overflow="fold", no_wrap=column != "Title")
    for issue in issues:
        who = ", ".join(f"@{a}" for a in issue.assignees) or "-"
        kind = "PR " if issue.is_pull_request else ""
        # Text, never markup: a title's `[bold]` stays text; terminal_safe shows controls.
        table.add_row(*(Text(terminal_safe(cell)) for cell in (
            f"{issue.repo}#{issue.number}", issue.state, who,
            kind + " ".join(issue.title.split()))))
    out = io.StringIO()
    Console(file=out, width=width or 10_000, no_color=True, color_system=None, emoji=False,
            markup=False, highlight=False, legacy_windows=False).print(table)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join([*lines, _issues_tail(issues, total)]) + "\n"


def _issues_tail(issues: list[StoredIssue], total: tuple[int, int] | None) -> str:
    """The one count of roadmap issues (labelled pull requests apart), and of all when only
    some are listed."""
    from roadmap.markup import issue_count  # markup loads markupsafe: not for `parse`

    pulls = sum(i.is_pull_request for i in issues)
    tail = issue_count(len(issues) - pulls, pulls)
    if total is not None and total != (len(issues) - pulls, pulls):
        tail += f" listed, of {issue_count(*total)} in all (--state all)"
    return tail


def _day(moment: str | datetime | None) -> str:
    """The day of a stamp (`2026-11-28T19:00:00Z`) or of a UTC moment, or `?`."""
    if isinstance(moment, datetime):
        return moment.isoformat()[:10]
    return (moment or "?")[:10]


def render_who(people: list[Person], login: str | None = None,
               known: bool = True) -> str:
    """Each person, then their issues: item, since, last activity, stale or not.

    With nobody to show, says which is true: nobody works on anything; `login` works on
    no roadmap issue (though the store knows them); or the store has never seen `login`.
    """
    if not people:
        if login is None:
            return "nobody is working on a roadmap issue (as far as the store knows)"
        name = login.lstrip("@")
        if known:
            return f"@{name} works on no roadmap issue (no claim, assignment or open pull request)"
        return (f"@{name}: no such person on the roadmap (not an author, assignee, commenter "
                "or pull request author of any roadmap issue in the store)")
    lines = []
    for person in people:
        issues = person.issues
        lines.append(f"@{person.login} ({len(issues)} issue{'s' if len(issues) != 1 else ''})")
        for i in issues:
            stale = "  STALE" if i.stale else ""
            item = f" [{i.item}]" if i.item else ""
            since = f"since {_day(i.since)}" if i.since else "since a day unknown"
            lines.append(f"  {i.record.ref}{item} {' '.join(i.record.title.split())} "
                         f"— {i.kind} {since}, last activity "
                         f"{_day(i.last_activity) if i.last_activity else 'unknown'}{stale}")
    return terminal_safe("\n".join(lines))


def render_available(issues: list[FreeIssue], empty: str = "") -> str:
    """Open issues free to take, with their item and any stale claim; `empty` says why
    there are none."""
    if not issues:
        return terminal_safe(empty or "no open roadmap issue is free")
    lines = []
    for i in issues:
        item = f" [{i.item}]" if i.item else ""
        claim = i.claim
        note = (f" (stale claim by @{claim.login}, last active "
                f"{_day(claim.last_activity)})") if claim else ""
        lines.append(f"{i.record.ref}{item} {' '.join(i.record.title.split())}{note}")
    return terminal_safe("\n".join(lines))


def _bar(counts: dict[str, int], width: int = 20) -> str:
    total = sum(counts.values()) or 1
    done = round(width * counts.get("done", 0) / total)
    moving = round(width * (counts.get("in-progress", 0) + counts.get("stalled", 0)) / total)
    return "#" * done + "=" * moving + "." * max(0, width - done - moving)


#: What needs a maintainer, most pressing first: (key, one, many).
_ATTENTION = (
    ("unlinked_issues", "roadmap issue linked to no item", "roadmap issues linked to no item"),
    ("drift", "disagreement between the roadmap and its issues",
     "disagreements between the roadmap and its issues"),
    ("conflicts", "conflict", "conflicts"),
    ("stalled", "stalled item", "stalled items"),
    ("stale_claims", "stale claim", "stale claims"),
    ("items_without_issue", "item with no issue", "items with no issue"),
)
#: How many of each kind `status` shows; `--json` has them all.
STATUS_TOP = 5


def render_status(view: StatusView) -> str:
    """One screen, in the order a maintainer acts: how many of each kind of problem, the
    first few of each, then progress per top-level item."""
    from roadmap.markup import issue_count

    held = view.counts
    found = [(key, getattr(view.attention, key), one, many) for key, one, many in _ATTENTION]
    counts = [(key, len(entries), one if len(entries) == 1 else many)
              for key, entries, one, many in found if entries]
    lines = [issue_count(held.roadmap_issues, held.labelled_pull_requests, held.open_issues),
             "needs attention: " + ", ".join(f"{n} {words}" for _, n, words in counts)
             if counts else "nothing needs attention"]
    for key, count, words in counts:
        lines += ["", f"{words} ({count}):", *_attention_lines(view, key)]
        if count > STATUS_TOP:
            lines.append(f"  ... and {count - STATUS_TOP} more (roadmap status --json)")
    lines += ["", *_progress_lines(view.items)]
    return terminal_safe("\n".join(lines).rstrip())


def _attention_lines(view: StatusView, key: str) -> list[str]:
    entries: list[str] = getattr(view.attention, key)[:STATUS_TOP]
    if key != "unlinked_issues":
        return [f"  {entry}" for entry in entries]
    best = {s.issue: s for s in view.suggestions}
    lines = []
    for ref in entries:
        line = f"  {ref} {' '.join(view.issue_titles.get(ref, '').split())}".rstrip()
        if ref in best:
            line += (f" — may belong to {best[ref].item} (similarity "
                     f"{best[ref].score}): roadmap link {ref} {best[ref].item}")
        lines.append(line)
    return lines


def _progress_lines(items: list[ItemStatus]) -> list[str]:
    lines = []
    for item in (i for i in items if i.parent is None):
        counts = item.progress
        total = sum(counts.values())
        head = f"{item.number} {item.title}" if item.number else item.title
        who = " ".join(f"@{p}" for p in item.people)
        lines.append(f"{head[:48]:<48} [{_bar(counts)}] {counts.get('done', 0)}/{total} done"
                     f"  {item.status}  {who}".rstrip())
    return lines or ["no roadmap items"]
