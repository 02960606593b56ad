"""Plain renderings for the terminal and JSON; everything shown is made terminal-safe."""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING, Any

from roadmap.model import Item, Problem, Roadmap, StoredIssue

if TYPE_CHECKING:
    from roadmap.build import BuildOutcome
    from roadmap.sync import RepoSummary


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


def render_issues(issues: list[StoredIssue]) -> str:
    """A table of issues: reference, state, assignees, title."""
    if not issues:
        return "no roadmap issues in the store (run `roadmap sync` or `roadmap import`)"
    lines = []
    for issue in issues:
        who = ",".join(f"@{a}" for a in issue.assignees) or "-"
        kind = "PR " if issue.is_pull_request else ""
        lines.append(f"{issue.repo}#{issue.number}\t{issue.state}\t{who}\t{kind}"
                     f"{' '.join(issue.title.split())}")
    return terminal_safe("\n".join(lines))


def _day(text: str | None) -> str:
    return (text or "?")[:10]


def render_who(people: list[dict[str, Any]]) -> str:
    """Each person, then their issues: item, since, last activity, stale or not."""
    if not people:
        return "nobody is working on a roadmap issue (as far as the store knows)"
    lines = []
    for person in people:
        issues = person["issues"]
        lines.append(f"@{person['login']} ({len(issues)} issue{'s' if len(issues) != 1 else ''})")
        for i in issues:
            stale = "  STALE" if i["stale"] else ""
            item = f" [{i['item']}]" if i["item"] else ""
            lines.append(f"  {i['repo']}#{i['number']}{item} {' '.join(i['title'].split())} "
                         f"— {i['kind']} since {_day(i['since'])}, last activity "
                         f"{_day(i['last_activity'])}{stale}")
    return terminal_safe("\n".join(lines))


def render_available(issues: list[dict[str, Any]]) -> str:
    """Open issues free to take, with their item and any stale claim."""
    if not issues:
        return "no open roadmap issue is free: every one is claimed (or none are synced)"
    lines = []
    for i in issues:
        item = f" [{i['item']}]" if i["item"] else ""
        claim = i["claim"]
        note = f" (stale claim by @{claim['login']}, last active {_day(claim['last_activity'])})" \
            if claim else ""
        lines.append(f"{i['repo']}#{i['number']}{item} {' '.join(i['title'].split())}{note}")
    return terminal_safe("\n".join(lines))


def _bar(counts: dict[str, int], width: int = 20) -> str:
    total = sum(counts.values()) or 1
    done = round(width * counts.get("done", 0) / total)
    moving = round(width * (counts.get("in-progress", 0) + counts.get("stalled", 0)) / total)
    return "#" * done + "=" * moving + "." * max(0, width - done - moving)


def render_status(view: dict[str, Any]) -> str:
    """Progress per top-level item, who, and what needs attention."""
    items = view["items"]
    top = [i for i in items if i["parent"] is None]
    lines = []
    for item in top:
        counts = item["progress"]
        total = sum(counts.values())
        head = f"{item['number']} {item['title']}" if item["number"] else item["title"]
        who = " ".join(f"@{p}" for p in item["people"])
        lines.append(f"{head[:48]:<48} [{_bar(counts)}] {counts.get('done', 0)}/{total} done"
                     f"  {item['status']}  {who}".rstrip())
    attention = view["attention"]
    labels = {"stale_claims": "stale claim", "stalled": "stalled item", "conflicts": "conflict",
              "unlinked_issues": "roadmap issue linked to no item", "drift": "drift"}
    notes = [f"  {labels[key]}: {entry}" for key in labels for entry in attention[key]]
    if notes:
        lines += ["", "needs attention:", *notes[:30]]
        if len(notes) > 30:
            lines.append(f"  ... and {len(notes) - 30} more (see --json)")
    for suggestion in view["suggestions"][:10]:
        lines.append(f"  suggestion: {suggestion['issue']} may belong to {suggestion['item']} "
                     f"(similarity {suggestion['score']}); `roadmap link` to confirm")
    return terminal_safe("\n".join(lines) or "no roadmap items")
