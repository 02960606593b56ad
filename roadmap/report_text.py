"""The report for a terminal: rich tables on a terminal, plain text when piped."""

from __future__ import annotations

from typing import Any

from roadmap.report import bar, clean


def render_text(report: dict[str, Any]) -> str:
    """Plain text with the same sections as the Markdown report."""
    lines = [clean(report["title"]), f"as of {report['generated_at']}, last sync "
             f"{report['last_sync'] or 'never'}"]
    if report["stale_data"]:
        lines.append("warning: the data is more than a day old (run `roadmap sync`)")
    lines += ["", "Progress"]
    for s in report["sections"]:
        head = clean(f"{s['number']} {s['title']}" if s["number"] else s["title"], 50)
        lines.append(f"  {head:<50} {bar(s['done'], s['in_progress'], s['total'])} "
                     f"{s['done']}/{s['total']} done, {s['in_progress']} in progress")
    lines += ["", "Who works on what"]
    for person in report["people"]:
        lines.append(f"  @{clean(person['login'])}: " + ", ".join(
            f"{i['repo']}#{i['number']}{' (stale)' if i['stale'] else ''}"
            for i in person["issues"]))
    attention = report["attention"]
    lines += ["", "Needs attention"]
    for key, entries in attention.items():
        for entry in entries:
            lines.append(f"  {key.replace('_', ' ')}: {clean(entry)}")
    lines += ["", "Help wanted"]
    for issue in report["help_wanted"]:
        lines.append(f"  {issue['repo']}#{issue['number']} {clean(issue['title'], 80)}")
    lines += ["", f"Changes since {report['since']}"]
    for change in report["changes"]:
        lines.append(f"  {change['at'][:10]} {change['kind']}: {clean(change['subject'])} "
                     f"{clean(change['detail'], 120)}".rstrip())
    return "\n".join(lines) + "\n"
