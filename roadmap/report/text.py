"""The report for a terminal: rich tables and bars on a terminal, plain text when piped.

Both read the gathered `Report`. Untrusted text goes through `clean` (one line, no
control or direction characters) and, in the rich view, into `Text` objects, never
through rich markup, so `[bold]` in a title stays text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from roadmap.markup import bar, change_counts, clean, item_name, percent, when
from roadmap.report.data import (
    AttentionEntry,
    Change,
    Conflict,
    Drift,
    HelpWanted,
    IssueEntry,
    PersonIssue,
    Report,
    Section,
    StaleClaim,
    StalledItem,
    Totals,
    UnlinkedIssue,
)

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

#: Rows per table in the rich view; the plain text lists everything.
RICH_LIMIT = 50
_ATTENTION = {"stale_claims": "Stale claim", "stalled": "Stalled item", "conflicts": "Conflict",
              "drift": "Drift", "unlinked_issues": "Issue linked to no item",
              "items_without_issue": "Item with no issue"}


def ref(entry: IssueEntry | PersonIssue | HelpWanted) -> str:
    return f"{clean(entry.repo, 140)}#{entry.number}"


def attention_rows(report: Report) -> Iterator[tuple[str, str, str]]:
    """Each thing needing attention as (what, where, detail), in plain words."""
    for key, label in _ATTENTION.items():
        for entry in getattr(report.attention, key):
            yield label, _where(entry), _detail(entry)


def _where(entry: AttentionEntry) -> str:
    if isinstance(entry, IssueEntry):
        return f"{ref(entry)} {clean(entry.title, 100)}"
    return clean(item_name(entry), 100)


def _detail(entry: AttentionEntry) -> str:
    if isinstance(entry, StaleClaim):
        return f"@{clean(entry.login, 60)}, no activity since {(entry.last_activity or '')[:10]}"
    if isinstance(entry, StalledItem):
        return f"no activity since {(entry.last_activity or 'it started')[:10]}"
    if isinstance(entry, UnlinkedIssue):
        return f"perhaps {clean(entry.suggested_item, 80)}" if entry.suggested_item else ""
    if isinstance(entry, Conflict | Drift):
        return clean(entry.detail, 200)
    return ""


def change_row(change: Change) -> tuple[str, str, str, str]:
    """A change as (when, kind, subject, detail)."""
    if change.about == "item":
        subject = clean(change.title or change.subject, 100)
    else:
        subject = clean(change.subject, 120)
        subject += f" {clean(change.title, 100)}" if change.title else ""
    detail = f"@{clean(change.login, 60)}" if change.login else clean(change.detail)
    return when(change.at), clean(change.kind), subject, detail


def summary(changes: tuple[Change, ...]) -> str:
    return " · ".join(f"{clean(kind)}: {count}" for kind, count in change_counts(changes))


# -- plain --------------------------------------------------------------------------------------


def render_text(report: Report) -> str:
    """Plain text with the same sections as the Markdown report, everything listed."""
    lines = [*_head(report), "", "Progress", *_progress(report), "", "Who works on what",
             *_people(report), "", "Needs attention", *_attention(report), "", "Help wanted",
             *_help(report), "", f"Changes since {when(report.since)}", *_changes(report)]
    return "\n".join(lines) + "\n"


def _head(report: Report) -> list[str]:
    lines = [f"{clean(report.title, 120)}: status report",
             f"As of {when(report.generated_at)} · last sync {when(report.last_sync)} "
             f"· changes since {when(report.since)}"]
    lines += [f"Warning: {clean(w, 500)}" for w in report.warnings]
    return lines


def _progress(report: Report) -> list[str]:
    if not report.sections:
        return ["  No roadmap items."]
    totals = report.totals
    lines = [f"  {clean(name, 40):<40} {_counts(s)}" for name, s in report.progress_rows()]
    lines.append(f"  {totals.open_issues} of {totals.issues} roadmap issues open.")
    return lines


def _counts(s: Section | Totals) -> str:
    return (f"{bar(s.done, s.in_progress, s.total)} {percent(s.done, s.total):>3}%"
            f"  {s.done} done, {s.in_progress} in progress, {s.planned} planned"
            f" ({s.total} items)")


def _known(moment: str | None) -> str:
    """A day, or "unknown" (an assignment GitHub keeps no date for)."""
    return moment[:10] if moment else "unknown"


def _people(report: Report) -> list[str]:
    lines = []
    for person in report.people:
        lines.append(f"  @{clean(person.login, 60)}")
        for i in person.issues:
            item = f" ({clean(i.item, 80)})" if i.item else ""
            stale = ", stale" if i.stale else ""
            lines.append(f"    {ref(i)} {clean(i.title, 100)}{item}: since "
                         f"{_known(i.since)}, last activity {_known(i.last_activity)}"
                         f"{stale}")
    return lines or ["  Nobody has claimed a roadmap issue."]


def _attention(report: Report) -> list[str]:
    lines = [f"  {what}: {where}" + (f": {detail}" if detail else "")
             for what, where, detail in attention_rows(report)]
    return lines or ["  Nothing needs attention."]


def _help(report: Report) -> list[str]:
    lines = []
    for i in report.help_wanted:
        facts = [clean(label, 50) for label in i.labels]
        if i.claim:
            facts.append(f"stale claim by @{clean(i.claim.login, 60)}")
        item = f" ({clean(i.item, 80)})" if i.item else ""
        lines.append(f"  {'*' if i.good_first else '-'} {ref(i)} {clean(i.title, 100)}"
                     f"{item}" + (f" [{', '.join(facts)}]" if facts else ""))
    return lines or ["  No open roadmap issue is free."]


def _changes(report: Report) -> list[str]:
    if not report.changes:
        return ["  No changes recorded since then."]
    lines = [f"  {summary(report.changes)}"]
    for at, kind, subject, detail in map(change_row, report.changes):
        lines.append(f"  {at}  {kind}: {subject}" + (f" ({detail})" if detail else ""))
    return lines


# -- rich ---------------------------------------------------------------------------------------


def render_rich(report: Report, width: int, color: bool = True) -> str:
    """The report as rich tables and bars for a terminal `width` wide (ANSI colours when
    `color`); long tables stop at `RICH_LIMIT` rows."""
    import io

    from rich.console import Console

    out = io.StringIO()
    # With colours, rich still honours NO_COLOR from the environment.
    console = Console(file=out, width=width, force_terminal=color, no_color=None if color else True,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False, markup=False, legacy_windows=False, soft_wrap=False)
    for part in _rich_parts(report):
        console.print(part)
    # Tables pad their cells to the width: trailing blanks say nothing.
    return "".join(line.rstrip(" ") + "\n" for line in out.getvalue().splitlines())


def _rich_parts(report: Report) -> Iterator[RenderableType]:
    from rich.text import Text

    yield Text(f"{clean(report.title, 120)}: status report", style="bold")
    yield Text(f"As of {when(report.generated_at)} · last sync "
               f"{when(report.last_sync)} · changes since {when(report.since)}",
               style="dim")
    for warning in report.warnings:
        yield Text(f"Warning: {clean(warning, 500)}", style="bold yellow")
    attention = sum(len(entries) for entries in report.attention.values())
    for part in (_rich_progress(report), _rich_people(report),
                 _rich_table("Needs attention", ("What", "Where", "Detail"),
                             attention_rows(report), attention, "nothing needs attention."),
                 _rich_help(report), *_rich_changes(report)):
        yield Text("")
        yield part


def _table(title: str, columns: tuple[str, ...]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  expand=False, show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _rich_table(title: str, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]],
                count: int, empty: str) -> RenderableType:
    """A table of the first `RICH_LIMIT` of `count` rows; `rows` is lazy, so the rest are
    never formatted (a large roadmap has thousands)."""
    from rich.text import Text

    if not count:
        return Text(f"{title}: {empty}")
    table = _table(title, columns)
    for row in itertools.islice(rows, RICH_LIMIT):
        table.add_row(*(Text(cell) for cell in row))
    if count > RICH_LIMIT:
        table.caption = f"…and {count - RICH_LIMIT} more (--format json lists them all)"
    return table


def _rich_bar(s: Section | Totals) -> Text:
    from rich.text import Text

    text = Text()
    for char, style in (("█", "green"), ("▒", "yellow"), ("░", "dim")):
        text.append(char * bar(s.done, s.in_progress, s.total).count(char), style)
    return text.append(f" {percent(s.done, s.total):>3}%")


def _rich_progress(report: Report) -> RenderableType:
    from rich.text import Text

    if not report.sections:
        return Text("Progress: no roadmap items.")
    table = _table("Progress", ("Section", "Progress", "Done", "In progress", "Planned",
                                "Items"))
    for name, s in report.progress_rows():
        table.add_row(Text(clean(name, 60)), _rich_bar(s),
                      *(Text(str(n)) for n in (s.done, s.in_progress, s.planned, s.total)))
    return table


def _rich_people(report: Report) -> RenderableType:
    rows = ((f"@{clean(p.login, 60)}" if n == 0 else "", f"{ref(i)} {clean(i.title, 100)}",
             clean(i.item or "—", 80), _known(i.since),
             _known(i.last_activity) + (" (stale)" if i.stale else ""))
            for p in report.people for n, i in enumerate(p.issues))
    return _rich_table("Who works on what", ("Person", "Issue", "Item", "Since",
                                             "Last activity"),
                       rows, sum(len(p.issues) for p in report.people),
                       "nobody has claimed a roadmap issue.")


def _rich_help(report: Report) -> RenderableType:
    rows = ((("★ " if i.good_first else "") + ref(i), clean(i.title, 100),
             clean(i.item or "—", 80), ", ".join(clean(x, 50) for x in i.labels))
            for i in report.help_wanted)
    return _rich_table("Help wanted", ("Issue", "Title", "Item", "Labels"), rows,
                       len(report.help_wanted), "no open roadmap issue is free.")


def _rich_changes(report: Report) -> list[RenderableType]:
    from rich.text import Text

    changes = report.changes
    table = _rich_table(f"Changes since {when(report.since)}",
                        ("When", "Change", "Subject", "Detail"), map(change_row, changes),
                        len(changes), "no changes recorded since then.")
    return [table, Text(summary(changes), style="dim")] if changes else [table]
